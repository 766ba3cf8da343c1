package io.deskport.broker.database;

import java.nio.file.Path;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Points the broker at an embedded PostgreSQL when no {@code spring.datasource.url} is configured.
 *
 * <p>Settings: {@code deskport.database.embedded.enabled} (default true),
 * {@code deskport.database.embedded.data-dir} (default {@code ./data/postgres}),
 * {@code deskport.database.embedded.port} (default 0 = any free port),
 * {@code deskport.database.embedded.database} (default {@code deskport}).
 */
public class EmbeddedDatabaseEnvironment implements EnvironmentPostProcessor, Ordered {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        String url = env.getProperty("spring.datasource.url");
        if ((url != null && !url.isBlank())
                || !env.getProperty("deskport.database.embedded.enabled", Boolean.class, true)) {
            return;
        }
        Path dir = Path.of(env.getProperty("deskport.database.embedded.data-dir", "./data/postgres"));
        int port = env.getProperty("deskport.database.embedded.port", Integer.class, 0);
        String database = env.getProperty("deskport.database.embedded.database", "deskport");
        EmbeddedPostgres pg = EmbeddedPostgres.start(dir, port);
        pg.ensureDatabase(database);
        env.getPropertySources().addFirst(new MapPropertySource("deskportEmbeddedDatabase", Map.of(
                "spring.datasource.url", pg.jdbcUrl(database),
                "spring.datasource.username", pg.username(),
                "spring.datasource.password", pg.password(),
                "deskport.database.embedded.active", "true")));
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE; // after configuration files and random values are in place
    }
}
