package io.deskport.bench.provisioning;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.deskport.broker.DeskportBroker;
import io.deskport.broker.database.EmbeddedPostgres;

/** Starts an in-process broker on a database of the benchmark's PostgreSQL. */
final class Brokers {

    private Brokers() {
    }

    static ConfigurableApplicationContext start(EmbeddedPostgres postgres, String database, boolean reconcilerLoop,
                                                String... extra) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("spring.datasource.url", postgres.jdbcUrl(database));
        p.put("spring.datasource.username", postgres.username());
        p.put("spring.datasource.password", postgres.password());
        p.put("server.port", "0");
        p.put("deskport.demo.enabled", "false");
        p.put("deskport.provisioning.enabled", String.valueOf(reconcilerLoop));
        p.put("deskport.provisioning.simulate-when-empty", "false");
        p.put("deskport.provisioning.scan-interval", "24h");
        p.put("spring.main.banner-mode", "off");
        p.put("logging.level.root", "warn");
        p.put("logging.level.io.deskport.broker.provisioning", System.getProperty("bench.log", "warn"));
        for (String kv : extra) {
            int eq = kv.indexOf('=');
            p.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        // as command-line arguments: they must win over the broker's application.yml
        String[] args = p.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        return new SpringApplicationBuilder(DeskportBroker.class).run(args);
    }
}
