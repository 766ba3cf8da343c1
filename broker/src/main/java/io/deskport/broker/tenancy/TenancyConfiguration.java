package io.deskport.broker.tenancy;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

@Configuration(proxyBeanMethods = false)
class TenancyConfiguration {

    /**
     * BCrypt for local passwords. Strength 10 by default; benchmarks that create thousands of users may
     * lower it ({@code deskport.identity.password-hash-strength}, 4–31).
     */
    @Bean
    PasswordEncoder passwordEncoder(@Value("${deskport.identity.password-hash-strength:10}") int strength) {
        return new BCryptPasswordEncoder(strength);
    }
}
