package io.deskport.broker.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.deskport.sessionhost.desktop.SessionCgroups;

/**
 * A real session-host agent ({@code io.deskport.sessionhost.SessionHostAgent}) running as a separate
 * process on this machine, with its own configuration file, state directory and display range.
 */
public final class AgentProcess implements AutoCloseable {

    private final String hostName;
    private final Path dir;
    private final Process process;

    private AgentProcess(String hostName, Path dir, Process process) {
        this.hostName = hostName;
        this.dir = dir;
        this.process = process;
    }

    /**
     * Starts an agent that enrols with the token.
     *
     * @param extra further lines of its configuration file
     */
    public static AgentProcess start(int brokerPort, String hostName, String enrolmentToken, int firstDisplay,
                                     int lastDisplay, String accountPrefix, String... extra) throws IOException {
        Path dir = Files.createTempDirectory("agent-" + hostName);
        // session users must traverse to their own session directory (VNC password file, X cookie)
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        List<String> config = new ArrayList<>(List.of(
                "broker.url=http://127.0.0.1:" + brokerPort,
                "state.dir=" + dir.resolve("state"),
                "enrolment.token=" + enrolmentToken,
                "host.name=" + hostName,
                "host.address=127.0.0.1",
                "display.first=" + firstDisplay,
                "display.last=" + lastDisplay,
                "sessions.max=" + (lastDisplay - firstDisplay + 1),
                "accounts.prefix=" + accountPrefix,
                "desktop.command=openbox --startup xterm",
                "desktop.geometry=800x600",
                "commands.wait-ms=5000"));
        config.addAll(List.of(extra));
        Path file = dir.resolve("session-host.properties");
        Files.write(file, config);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), "io.deskport.sessionhost.SessionHostAgent", file.toString())
                .redirectErrorStream(true)
                .redirectOutput(logFile(hostName).toFile())
                .start();
        return new AgentProcess(hostName, dir, p);
    }

    /**
     * Starts this host's agent again after it stopped (as a machine booting does): same configuration and state
     * directory, so it does not enrol again; its log continues.
     */
    public AgentProcess restart() throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException("the agent of " + hostName + " is still running");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), "io.deskport.sessionhost.SessionHostAgent",
                dir.resolve("session-host.properties").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(hostName).toFile()))
                .start();
        return new AgentProcess(hostName, dir, p);
    }

    /** Agent logs stay in target/agent-logs after the test, for reading failures. */
    private static Path logFile(String hostName) throws IOException {
        Path logs = Path.of("target", "agent-logs");
        Files.createDirectories(logs);
        return logs.resolve(hostName + ".log");
    }

    public String hostName() {
        return hostName;
    }

    public Path stateDir() {
        return dir.resolve("state");
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The agent's cgroup directory of a session (where every process of the session lives). */
    public Path sessionCgroup(String sessionId) {
        return SessionCgroups.cgroup2Mount().resolve("deskport-" + hostName).resolve("session-" + sessionId);
    }

    /** Freezes the agent (SIGSTOP): it stops heartbeating, its sessions keep running. */
    public void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** Lets a frozen agent run again (SIGCONT). */
    public void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
    }

    public String log() {
        try {
            return Files.readString(logFile(hostName));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** Stops the agent the way a service manager does (SIGTERM: it logs off its sessions), then forcibly. */
    @Override
    public void close() throws IOException, InterruptedException {
        signal("CONT");
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        Path cgroupRoot = SessionCgroups.cgroup2Mount().resolve("deskport-" + hostName);
        if (Files.isDirectory(cgroupRoot)) {
            try (var s = Files.list(cgroupRoot)) {
                for (Path cg : s.filter(Files::isDirectory).toList()) {
                    Files.writeString(cg.resolve("cgroup.kill"), "1");
                    awaitEmpty(cg);
                    Files.deleteIfExists(cg);
                }
            }
            Files.deleteIfExists(cgroupRoot);
        }
        // the agent's per-session CPU groups on hybrid hosts (empty once the processes above are gone)
        Path cpuRoot = Path.of("/sys/fs/cgroup/cpu/deskport-" + hostName);
        if (Files.isDirectory(cpuRoot)) {
            try (var s = Files.list(cpuRoot)) {
                for (Path cg : s.filter(Files::isDirectory).toList()) {
                    Files.deleteIfExists(cg);
                }
            }
            Files.deleteIfExists(cpuRoot);
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    private static void awaitEmpty(Path cgroup) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!Files.readString(cgroup.resolve("cgroup.procs")).isBlank() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }
}
