package io.deskport.sessionhost.desktop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files of the sessions, below the agent's state directory: a private directory per session
 * ({@code sessions/<id>}, mode 0700) with its VNC password file and X authority file (0600), owned by the session's
 * account when the agent runs as root; and the output of the session's processes ({@code logs/<id>.log}, readable
 * by the agent only).
 */
final class SessionFiles {

    private static final String PASSWORD_FILE = "vncpasswd";
    private static final String AUTH_FILE = "Xauthority";

    private final Path sessionsDir;
    private final Path logsDir;
    private final boolean root;

    /**
     * Makes the directories.
     *
     * @param root whether the agent runs as root: the sessions then run as other accounts, which must reach their
     *             own directory below the state directory
     * @throws IOException also when, as root, a parent of the state directory is not traversable by others
     */
    SessionFiles(Path stateDir, boolean root) throws IOException {
        this.root = root;
        this.sessionsDir = stateDir.resolve("sessions");
        this.logsDir = stateDir.resolve("logs");
        Files.createDirectories(sessionsDir);
        Files.createDirectories(logsDir);
        // users must reach their own session directory, but not list the others
        Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(sessionsDir, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(logsDir, PosixFilePermissions.fromString("rwx------"));
        if (root) {
            // each session's Xvnc runs as its user and reads its password file below the state directory
            for (Path p = stateDir.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
                if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    throw new IOException("state.dir must be reachable by session users, but " + p
                            + " is not traversable by others (chmod o+x, or choose another state.dir)");
                }
            }
        }
    }

    /**
     * Makes the session's private directory (its {@code dir}) with the password file of its VNC password and an
     * empty X authority file, all owned by its account.
     */
    void create(DesktopSession s) throws IOException {
        s.dir = sessionsDir.resolve(s.id().toString());
        Files.createDirectories(s.dir);
        Files.setPosixFilePermissions(s.dir, PosixFilePermissions.fromString("rwx------"));
        privateFile(s, PASSWORD_FILE, VncPassword.passwordFile(s.password));
        privateFile(s, AUTH_FILE, null);
        if (root) {
            chown(s, s.dir);
        }
    }

    Path passwordFile(DesktopSession s) {
        return s.dir.resolve(PASSWORD_FILE);
    }

    Path authFile(DesktopSession s) {
        return s.dir.resolve(AUTH_FILE);
    }

    /** @return where the output of the session's processes goes */
    Path log(DesktopSession s) {
        return logsDir.resolve(s.id() + ".log");
    }

    /** @return the last lines of the session's log on one line, for an error message */
    String logTail(DesktopSession s) {
        try {
            List<String> lines = Files.readAllLines(log(s));
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** Deletes the session's directory, when it has one. */
    void delete(DesktopSession s) {
        if (s.dir != null) {
            deleteTree(s.dir);
        }
    }

    /** Deletes every session directory (those a previous run of the agent left behind). */
    void deleteAll() throws IOException {
        try (Stream<Path> dirs = Files.list(sessionsDir)) {
            for (Path d : dirs.toList()) {
                deleteTree(d);
            }
        }
    }

    private void privateFile(DesktopSession s, String name, byte[] content) throws IOException {
        Path f = s.dir.resolve(name);
        Files.deleteIfExists(f);
        Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        if (content != null) {
            Files.write(f, content);
        }
        if (root) {
            chown(s, f);
        }
    }

    private static void chown(DesktopSession s, Path p) throws IOException {
        Files.setAttribute(p, "unix:uid", s.account.uid());
        Files.setAttribute(p, "unix:gid", s.account.gid());
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // already gone
        }
    }
}
