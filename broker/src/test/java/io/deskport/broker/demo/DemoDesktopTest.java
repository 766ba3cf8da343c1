package io.deskport.broker.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.deskport.broker.database.EmbeddedPostgres;
import io.deskport.broker.support.BrokerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo desktop's processes (Xvnc, openbox, xterm) belong to the broker that started them: a broker
 * killed with kill -9 — no shutdown hook runs — leaves none of them behind. Needs Xvnc (Debian
 * tigervnc-standalone-server, installed by dev/prerequisites.sh).
 */
class DemoDesktopTest {

    private EmbeddedPostgres postgres;
    private BrokerProcess broker;

    @AfterEach
    void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
        if (postgres != null) {
            postgres.stop();
        }
    }

    @Test
    void theDemoDesktopsProcessesEndWithTheBrokerEvenOnKillDashNine() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "demo-desktop");
        postgres = EmbeddedPostgres.start(dir.resolve("postgres"), 0);
        postgres.ensureDatabase("demo");
        broker = BrokerProcess.start("demo", dir, postgres.jdbcUrl("demo"), postgres.username(), postgres.password(),
                "operator-" + System.nanoTime(), List.of("--deskport.demo.enabled=true",
                        "--deskport.demo.local-desktop-displays=60-79",
                        "--deskport.demo.local-desktop-dir=" + dir.resolve("desktop")));
        broker.awaitHealthy(Duration.ofSeconds(120));
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(broker.log()).contains("=== Demo desktop: Xvnc"));
        List<ProcessHandle> desktop = broker.handle().descendants().toList();
        assertThat(desktop).as("the demo desktop's processes")
                // Debian's Xvnc is a link to Xtigervnc
                .anyMatch(p -> p.info().command().orElse("").matches(".*/X(tiger)?vnc"))
                .anyMatch(p -> p.info().command().orElse("").endsWith("xterm"));

        broker.kill9();

        await("every demo desktop process gone").atMost(Duration.ofSeconds(20))
                .until(() -> desktop.stream().noneMatch(ProcessHandle::isAlive));
    }
}
