package io.deskport.broker.replicas;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.deskport.broker.support.RollingRestart;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rolling restart of two broker replicas behind a load balancer that follows their readiness: each replica is
 * sent SIGTERM in turn (and started again before the next). Every tunnel — to a real Xvnc desktop, kept by a
 * client that reconnects as the portal does — comes back to the same session on the same desktop, none ends, and
 * each replica exits well within the termination grace period. Four tunnels here; bench/rolling-restart runs 20.
 */
class RollingRestartTest {

    @Test
    void sigtermOfEachReplicaInTurnMovesEveryTunnelToTheOtherAndEndsNoSession() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "rolling");
        RollingRestart.Result r = RollingRestart.run(dir, 4, System.out);
        System.out.println(r.summary() + " shutdown_ms=" + r.shutdownMillis());

        assertThat(r.problems()).as("sessions lost or ledger broken").isEmpty();
        assertThat(r.lost()).isZero();
        assertThat(r.reconnected()).as("every tunnel was on a replica that restarted").isEqualTo(4);
        assertThat(r.shutdownMillis()).as("each replica exits within the grace period")
                .allMatch(ms -> ms < RollingRestart.GRACE.toMillis());
        assertThat(Duration.ofMillis(r.maxGapMs())).as("the longest a desktop was away")
                .isLessThan(Duration.ofSeconds(10));
    }
}
