package io.deskport.broker.support;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

import io.deskport.broker.DeskportBroker;

/**
 * A second broker instance in the test's JVM, on the same database as the test's own broker: what tests
 * of behaviour across replicas need (two brokers, one PostgreSQL).
 */
public final class SecondBroker implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private SecondBroker(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /** Starts it on a free port, on the database the first broker's environment names. */
    public static SecondBroker on(Environment firstBroker, String... moreArguments) {
        // command-line arguments outrank the test profile's datasource settings
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
                "--server.port=0",
                "--spring.datasource.url=" + firstBroker.getProperty("spring.datasource.url"),
                "--spring.datasource.username=" + firstBroker.getProperty("spring.datasource.username"),
                "--spring.datasource.password=" + firstBroker.getProperty("spring.datasource.password")));
        args.addAll(java.util.List.of(moreArguments));
        return new SecondBroker(new SpringApplicationBuilder(DeskportBroker.class).profiles("test")
                .run(args.toArray(String[]::new)));
    }

    public int port() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    @Override
    public void close() {
        context.close();
    }
}
