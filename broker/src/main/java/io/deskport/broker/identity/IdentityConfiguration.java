package io.deskport.broker.identity;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/** How local passwords are hashed: identity's, used by tenancy when it stores a user's password. */
@Configuration(proxyBeanMethods = false)
class IdentityConfiguration {

    /** BCrypt, at {@code deskport.identity.password-hash-strength} (10 by default). */
    @Bean
    PasswordEncoder passwordEncoder(IdentityProperties properties) {
        return new BCryptPasswordEncoder(properties.passwordHashStrength());
    }
}
