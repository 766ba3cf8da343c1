package io.deskport.sessionhost.desktop;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Real Xvnc sessions on this machine, without a broker (needs root, Xvnc, openbox, xterm, xdotool). */
class DesktopSessionsTest {

    @TempDir
    Path stateDir;

    final String prefix = "dpu" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36) + "-";
    final List<String> endedByItself = new CopyOnWriteArrayList<>();
    DesktopSessions sessions;
    UnixAccounts accounts;

    @BeforeEach
    void setUp() throws IOException {
        accounts = new UnixAccounts(prefix, true);
        sessions = new DesktopSessions(new DesktopSessions.Settings(stateDir, "127.0.0.1", 180, 189, 5900,
                "openbox --startup xterm", "1024x768", 24, false, Duration.ofSeconds(10), "test-host",
                List.of("-extension", "GLX")),
                accounts, SessionCgroups.open("auto", "test-" + prefix), (s, detail) -> endedByItself.add(s.id() + ": " + detail));
    }

    @AfterEach
    void cleanUp() throws IOException {
        sessions.close("test over");
        TestAccounts.removeAll(prefix);
    }

    @Test
    void aSessionAnswersVncWithItsOwnPasswordFileAndRunsAsTheMappedAccount() throws Exception {
        DesktopSession s = sessions.create(UUID.randomUUID(), "alice", null);

        assertThat(s.state()).isEqualTo(DesktopSession.State.READY);
        try (Socket socket = new Socket("127.0.0.1", s.port())) {
            assertThat(new String(socket.getInputStream().readNBytes(12))).startsWith("RFB 003.");
        }
        UnixAccounts.Account account = accounts.lookup(prefix + "alice").orElseThrow();
        assertThat(Files.getAttribute(Path.of("/proc/" + s.xvncPid()), "unix:uid")).isEqualTo(account.uid());
        assertThat(s.password()).hasSize(8);
    }

    @Test
    void logoffEndsEveryProcessOfTheSessionEvenOnesThatLeftItsProcessSession() throws Exception {
        DesktopSession s = sessions.create(UUID.randomUUID(), "bob",
                "setsid sh -c 'sleep 10007' & exec openbox --startup xterm");
        await().atMost(Duration.ofSeconds(10)).until(() -> SessionCgroups.pids(s.cgroup()).size() >= 4);
        List<Long> pids = SessionCgroups.pids(s.cgroup());

        sessions.logoff(s.id(), "test");

        assertThat(pids).noneMatch(TestAccounts::running);
        assertThat(Files.exists(s.cgroup())).isFalse();
        assertThat(sessions.count()).isZero();
        assertThat(endedByItself).isEmpty();
    }

    @Test
    void aSessionWhoseDesktopExitsEndsByItselfAndIsReported() throws Exception {
        DesktopSession s = sessions.create(UUID.randomUUID(), "carol", "sleep 1");

        await().atMost(Duration.ofSeconds(10)).until(() -> sessions.count() == 0);
        assertThat(endedByItself).singleElement().asString().startsWith(s.id() + ": the desktop exited");
        assertThat(TestAccounts.running(s.xvncPid())).isFalse();
    }

    @Test
    void idleTimeGrowsWithoutInputAndFallsBackAfterInput() throws Exception {
        DesktopSession s = sessions.create(UUID.randomUUID(), "dave", "sleep 600");
        await().atMost(Duration.ofSeconds(5)).until(() -> idle(s) >= 1500);

        ProcessBuilder pb = new ProcessBuilder("xdotool", "mousemove", "300", "300");
        pb.environment().put("DISPLAY", ":" + s.display());
        pb.environment().put("XAUTHORITY", stateDir.resolve("sessions").resolve(s.id().toString()).resolve("Xauthority").toString());
        assertThat(pb.start().waitFor()).isZero();

        assertThat(idle(s)).isLessThan(1000);
    }

    private long idle(DesktopSession s) {
        return sessions.snapshot().stream().filter(x -> x.sessionId().equals(s.id())).findFirst().orElseThrow()
                .idleMillis();
    }
}
