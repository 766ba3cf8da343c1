package io.deskport.broker.metering;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.zaxxer.hikari.HikariDataSource;

/**
 * With metering off ({@code deskport.metering.enabled=false}), the usage events written in SQL stay unwritten
 * too: every connection of the broker's pool starts with {@code set deskport.metering = 'off'}, which
 * {@code record_usage_event} and {@code record_usage_events} (the functions through which changes made in SQL write
 * their events, like a licence seat's) read. Another broker on the same database that meters writes them as usual.
 */
@Configuration(proxyBeanMethods = false)
class MeteringOff {

    static final String OFF = "set deskport.metering = 'off'";

    @Bean
    static BeanPostProcessor meteringOffOnEveryConnection(ObjectProvider<MeteringProperties> properties) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (bean instanceof HikariDataSource pool && !pool.isRunning() && !properties.getObject().enabled()) {
                    String init = pool.getConnectionInitSql();
                    pool.setConnectionInitSql(init == null || init.isBlank() ? OFF : init + "; " + OFF);
                }
                return bean;
            }
        };
    }
}
