package io.deskport.broker.shared;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The broker's clock: {@link Clock#systemUTC()}. Time decisions that must run the same on a simulated clock (the
 * demand model, the reconciler's planning instant) take this bean, so a test or a benchmark puts another
 * {@link Clock} in its place (a {@code @Primary} bean) and the same code runs a simulated week in minutes.
 */
@Configuration(proxyBeanMethods = false)
public class ClockConfiguration {

    /** The system clock in UTC. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
