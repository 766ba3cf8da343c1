package io.deskport.sessionhost.desktop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * One cgroup (v2) per desktop session, so that logoff ends every process of the session — including
 * those that left its process group or session with setsid or double forks — with one write to
 * {@code cgroup.kill}. The agent's sessions live under {@code <cgroup2 mount>/deskport-<host name>}.
 *
 * <p>CPU is shared per session, not per process (as Windows' fair-share scheduling does on RDS hosts):
 * each session's cgroup has the same CPU weight, and all sessions together weigh as one task of the
 * host, so a user starting twenty programs does not take twenty shares, and a logon storm's desktops
 * never starve the agent (nor the broker's reports of sessions becoming ready). On a unified hierarchy
 * this is the v2 {@code cpu} controller; on a hybrid one (v2 for the kill switch, v1 controllers), a
 * parallel group in the v1 {@code cpu} hierarchy. Without either, processes share CPU as usual.
 */
public final class SessionCgroups {

    private static final System.Logger log = System.getLogger(SessionCgroups.class.getName());
    private static final Path DEFAULT_MOUNT = Path.of("/sys/fs/cgroup");

    private final Path root;
    /** This agent's group in a v1 cpu hierarchy (hybrid hosts), or null. */
    private final Path cpuRoot;

    private SessionCgroups(Path root, Path cpuRoot) {
        this.root = root;
        this.cpuRoot = cpuRoot;
    }

    /**
     * @param configured {@code auto} (find the cgroup2 mount), {@code none}, or a cgroup2 directory
     * @return the cgroups of this agent, or empty when cgroup v2 cannot be used here (logoff then kills by
     *         process tree and by the session's account)
     */
    public static Optional<SessionCgroups> open(String configured, String agentName) {
        if ("none".equalsIgnoreCase(configured)) {
            return Optional.empty();
        }
        try {
            Path mount = "auto".equalsIgnoreCase(configured) ? findMount().orElse(null) : Path.of(configured);
            if (mount == null) {
                log.log(System.Logger.Level.WARNING, "No cgroup v2 mount found: logoff kills session processes by "
                        + "process tree and account instead");
                return Optional.empty();
            }
            String name = "deskport-" + agentName.replaceAll("[^A-Za-z0-9_.-]", "_");
            Path root = mount.resolve(name);
            Files.createDirectories(root);
            if (!Files.exists(root.resolve("cgroup.kill"))) {
                log.log(System.Logger.Level.WARNING, "{0} has no cgroup.kill (kernel older than 5.14): not used", root);
                return Optional.empty();
            }
            return Optional.of(new SessionCgroups(root, fairShare(mount, root, name)));
        } catch (IOException e) {
            log.log(System.Logger.Level.WARNING, "Cannot use cgroup v2 for sessions ({0}): logoff kills by process "
                    + "tree and account instead", e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Turns per-session CPU shares on: the v2 cpu controller for the session groups when the unified
     * hierarchy has it, else a group of this agent in the v1 cpu hierarchy.
     *
     * @return the v1 group, or null (v2 controller, or no CPU control here)
     */
    private static Path fairShare(Path mount, Path root, String name) {
        try {
            if (Files.readString(mount.resolve("cgroup.controllers")).contains("cpu")) {
                Files.writeString(mount.resolve("cgroup.subtree_control"), "+cpu");
                Files.writeString(root.resolve("cgroup.subtree_control"), "+cpu");
                return null;
            }
            try (Stream<String> lines = Files.lines(Path.of("/proc/self/mounts"))) {
                Optional<Path> v1 = lines.map(l -> l.split(" "))
                        .filter(f -> f.length > 3 && f[2].equals("cgroup") && List.of(f[3].split(",")).contains("cpu"))
                        .map(f -> Path.of(f[1])).filter(Files::isWritable).findFirst();
                if (v1.isPresent()) {
                    Path group = Files.createDirectories(v1.get().resolve(name));
                    if (Files.isWritable(group.resolve("cgroup.procs"))) {
                        return group;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            log.log(System.Logger.Level.INFO, "No per-session CPU shares ({0}): session processes share CPU as usual",
                    e.getMessage());
        }
        return null;
    }

    private static Optional<Path> findMount() throws IOException {
        return cgroup2Mounts().stream().filter(Files::isWritable).findFirst();
    }

    /**
     * Where cgroup v2 is mounted (/sys/fs/cgroup on pure v2 systems, /sys/fs/cgroup/unified on hybrid ones), for
     * those who look at an agent's cgroups from outside: the first cgroup2 mount, or /sys/fs/cgroup when none is
     * listed or the mounts cannot be read.
     */
    public static Path cgroup2Mount() {
        try {
            return cgroup2Mounts().stream().findFirst().orElse(DEFAULT_MOUNT);
        } catch (IOException e) {
            return DEFAULT_MOUNT;
        }
    }

    /** @return the cgroup2 mount points, in the order {@code /proc/self/mounts} lists them */
    private static List<Path> cgroup2Mounts() throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/mounts"))) {
            return lines.map(l -> l.split(" ")).filter(f -> f.length > 2 && f[2].equals("cgroup2"))
                    .map(f -> Path.of(f[1])).toList();
        }
    }

    public Path root() {
        return root;
    }

    /** @return the new, empty cgroup of the session */
    public Path create(UUID sessionId) throws IOException {
        Path dir = root.resolve("session-" + sessionId);
        Files.createDirectories(dir);
        if (cpuRoot != null) {
            Files.createDirectories(cpuRoot.resolve(dir.getFileName()));
        }
        return dir;
    }

    /** @return the {@code cgroup.procs} of the session's v1 cpu group, or null when there is none */
    public Path cpuProcs(Path sessionCgroup) {
        return cpuRoot == null ? null : cpuRoot.resolve(sessionCgroup.getFileName()).resolve("cgroup.procs");
    }

    /**
     * Removes the session's v1 cpu group once its processes are gone (their exit may still be under way
     * there for a moment after the v2 group emptied).
     */
    public void removeCpu(Path sessionCgroup) {
        if (cpuRoot == null) {
            return;
        }
        Path group = cpuRoot.resolve(sessionCgroup.getFileName());
        for (int attempt = 0; attempt < 50 && !remove(group); attempt++) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** @return the pids in the cgroup now */
    public static List<Long> pids(Path cgroup) {
        try {
            List<Long> pids = new ArrayList<>();
            for (String line : Files.readAllLines(cgroup.resolve("cgroup.procs"))) {
                if (!line.isBlank()) {
                    pids.add(Long.parseLong(line.strip()));
                }
            }
            return pids;
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Ends every process of the cgroup and removes it: TERM to everyone (a second to exit cleanly), then the
     * cgroup's kill switch.
     */
    static void end(Path cgroup) {
        pids(cgroup).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
        if (!awaitEmpty(cgroup, Duration.ofSeconds(1))) {
            kill(cgroup);
            if (!awaitEmpty(cgroup, Duration.ofSeconds(10))) {
                log.log(System.Logger.Level.WARNING, "Processes of {0} survived the kill: {1}", cgroup, pids(cgroup));
            }
        }
        remove(cgroup);
    }

    private static boolean awaitEmpty(Path cgroup, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!pids(cgroup).isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Kills every process in the cgroup at once (SIGKILL, including processes forked meanwhile). */
    private static void kill(Path cgroup) {
        try {
            Files.writeString(cgroup.resolve("cgroup.kill"), "1");
        } catch (IOException e) {
            // already gone
        }
    }

    /** Removes the cgroup once it is empty. @return true when it is gone */
    private static boolean remove(Path cgroup) {
        try {
            Files.deleteIfExists(cgroup);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Removes the agent's own cgroup (when no session cgroup is left in it). */
    public void removeRoot() {
        remove(root);
        if (cpuRoot != null) {
            remove(cpuRoot);
        }
    }

    /** Session cgroups a previous run of the agent left behind (their sessions are orphans). */
    public List<Path> leftovers() throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> p.getFileName().toString().startsWith("session-") && Files.isDirectory(p)).toList();
        }
    }

    /** Removes v1 cpu groups a previous run left behind (call once their sessions' processes are killed). */
    public void removeCpuLeftovers() throws IOException {
        if (cpuRoot == null) {
            return;
        }
        try (Stream<Path> s = Files.list(cpuRoot)) {
            s.filter(p -> p.getFileName().toString().startsWith("session-") && Files.isDirectory(p))
                    .forEach(SessionCgroups::remove);
        }
    }

}
