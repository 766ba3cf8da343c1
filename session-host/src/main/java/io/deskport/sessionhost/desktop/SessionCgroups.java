package io.deskport.sessionhost.desktop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;


/**
 * One cgroup (v2) per desktop session, so that logoff ends every process of the session — including
 * those that left its process group or session with setsid or double forks — with one write to
 * {@code cgroup.kill}. The agent's sessions live under {@code <cgroup2 mount>/deskport-<host name>}.
 */
public final class SessionCgroups {

    private static final System.Logger log = System.getLogger(SessionCgroups.class.getName());

    private final Path root;

    private SessionCgroups(Path root) {
        this.root = root;
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
            Path root = mount.resolve("deskport-" + agentName.replaceAll("[^A-Za-z0-9_.-]", "_"));
            Files.createDirectories(root);
            if (!Files.exists(root.resolve("cgroup.kill"))) {
                log.log(System.Logger.Level.WARNING, "{0} has no cgroup.kill (kernel older than 5.14): not used", root);
                return Optional.empty();
            }
            return Optional.of(new SessionCgroups(root));
        } catch (IOException e) {
            log.log(System.Logger.Level.WARNING, "Cannot use cgroup v2 for sessions ({0}): logoff kills by process "
                    + "tree and account instead", e.getMessage());
            return Optional.empty();
        }
    }

    private static Optional<Path> findMount() throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/mounts"))) {
            return lines.map(l -> l.split(" ")).filter(f -> f.length > 2 && f[2].equals("cgroup2"))
                    .map(f -> Path.of(f[1])).filter(Files::isWritable).findFirst();
        }
    }

    public Path root() {
        return root;
    }

    /** @return the new, empty cgroup of the session */
    public Path create(UUID sessionId) throws IOException {
        Path dir = root.resolve("session-" + sessionId);
        Files.createDirectories(dir);
        return dir;
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

    /** Kills every process in the cgroup at once (SIGKILL, including processes forked meanwhile). */
    public static void kill(Path cgroup) {
        try {
            Files.writeString(cgroup.resolve("cgroup.kill"), "1");
        } catch (IOException e) {
            // already gone
        }
    }

    /** Removes the cgroup once it is empty. @return true when it is gone */
    public static boolean remove(Path cgroup) {
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
    }

    /** Session cgroups a previous run of the agent left behind (their sessions are orphans). */
    public List<Path> leftovers() throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> p.getFileName().toString().startsWith("session-") && Files.isDirectory(p)).toList();
        }
    }

}
