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

import io.deskport.sessionhost.procfs.ProcFs;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
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
    void eachSessionsProcessesShareOneCpuGroupOfTheirOwnUntilLogoff() throws Exception {
        DesktopSession a = sessions.create(UUID.randomUUID(), "carol", null);
        DesktopSession b = sessions.create(UUID.randomUUID(), "dave", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> SessionCgroups.pids(a.cgroup()).size() >= 3
                && SessionCgroups.pids(b.cgroup()).size() >= 3);

        String groupA = cpuGroup(a.xvncPid());
        String groupB = cpuGroup(b.xvncPid());
        assumeThat(groupA).as("this machine has a cpu controller").isNotNull();
        // Xvnc and the desktop's programs in the session's own group, as one fair share
        assertThat(groupA).endsWith("/session-" + a.id());
        assertThat(groupB).endsWith("/session-" + b.id());
        for (long pid : SessionCgroups.pids(a.cgroup())) {
            String g;
            try {
                g = cpuGroup(pid);
            } catch (IOException exitedMeanwhile) {
                continue;
            }
            assertThat(g).isEqualTo(groupA);
        }
        Path cpuDirA = cpuMount().isEmpty() ? a.cgroup() : Path.of(cpuMount()).resolve(groupA.substring(1));
        assertThat(cpuDirA).isDirectory();

        sessions.logoff(a.id(), "test");

        assertThat(cpuDirA).doesNotExist();
        assertThat(cpuGroup(b.xvncPid())).isEqualTo(groupB);
    }

    /** @return the process's group in the cpu controller's hierarchy (v1, or v2 with cpu enabled), or null */
    private static String cpuGroup(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = line.split(":", 3);
            if (f.length == 3 && List.of(f[1].split(",")).contains("cpu")) {
                return f[2];
            }
        }
        String v2 = Files.readAllLines(Path.of("/proc/" + pid + "/cgroup")).stream().filter(l -> l.startsWith("0::"))
                .findFirst().map(l -> l.substring(3)).orElse(null);
        return v2 != null && cpuMount() != null && cpuMount().isEmpty() ? v2 : null;
    }

    /** @return the v1 cpu mount, "" when the unified hierarchy runs the cpu controller, null when neither */
    private static String cpuMount() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String[] f = line.split(" ");
            if (f.length > 3 && f[2].equals("cgroup") && List.of(f[3].split(",")).contains("cpu")) {
                return f[1];
            }
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String[] f = line.split(" ");
            if (f.length > 2 && f[2].equals("cgroup2")
                    && Files.readString(Path.of(f[1], "cgroup.controllers")).contains("cpu")) {
                return "";
            }
        }
        return null;
    }

    @Test
    void logoffEndsEveryProcessOfTheSessionEvenOnesThatLeftItsProcessSession() throws Exception {
        DesktopSession s = sessions.create(UUID.randomUUID(), "bob",
                "setsid sh -c 'sleep 10007' & exec openbox --startup xterm");
        await().atMost(Duration.ofSeconds(10)).until(() -> SessionCgroups.pids(s.cgroup()).size() >= 4);
        List<Long> pids = SessionCgroups.pids(s.cgroup());

        sessions.logoff(s.id(), "test");

        assertThat(pids).noneMatch(ProcFs::running);
        assertThat(Files.exists(s.cgroup())).isFalse();
        assertThat(sessions.count()).isZero();
        assertThat(endedByItself).isEmpty();
    }

    @Test
    void aSessionWhoseDesktopExitsEndsByItselfAndIsReported() throws Exception {
        DesktopSession s = sessions.create(UUID.randomUUID(), "carol", "sleep 1");

        await().atMost(Duration.ofSeconds(10)).until(() -> sessions.count() == 0);
        assertThat(endedByItself).singleElement().asString().startsWith(s.id() + ": the desktop exited");
        assertThat(ProcFs.running(s.xvncPid())).isFalse();
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
