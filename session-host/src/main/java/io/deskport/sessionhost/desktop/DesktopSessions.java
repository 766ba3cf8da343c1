package io.deskport.sessionhost.desktop;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Stream;

import io.deskport.sessionhost.procfs.ProcFs;

/**
 * Creates, watches and ends the desktop sessions of this host.
 *
 * <p>A session is: the user's account (mapped from the broker user, created if allowed), a private
 * directory with its VNC password file and X cookie (mode 0700/0600, owned by the user), an Xvnc
 * display of its own listening only on the configured address, and the desktop command — every process
 * started in the session's cgroup as the user, in a new process session. It is READY when its VNC port
 * answers with the RFB greeting (the desktop comes up meanwhile). It ends on logoff (every process of the
 * cgroup killed), or by itself when Xvnc or the desktop command exits.
 */
public final class DesktopSessions {

    private static final System.Logger log = System.getLogger(DesktopSessions.class.getName());
    private static final int START_ATTEMPTS = 5;

    /** Told about sessions that ended without being asked to (the user logged off inside, or it died). */
    public interface Listener {
        void endedByItself(DesktopSession session, String detail);
    }

    /** What the host's sessions are built from. */
    public record Settings(Path stateDir, String listenAddress, int firstDisplay, int lastDisplay, int portBase,
                           String defaultDesktopCommand, String geometry, int depth, boolean removeAccountsOnLogoff,
                           Duration readyTimeout, String hostName, List<String> xvncArgs) {
    }

    /** One session as the heartbeat lists it. */
    public record Snapshot(UUID sessionId, String state, Long idleMillis) {
    }

    /** The session could not be created. */
    public static final class SessionFailed extends IOException {
        SessionFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Settings settings;
    private final UnixAccounts accounts;
    private final Optional<SessionCgroups> cgroups;
    private final Listener listener;
    private final boolean root;
    private final ConcurrentMap<UUID, DesktopSession> sessions = new ConcurrentHashMap<>();
    private final Set<Integer> displaysInUse = new HashSet<>();
    private final Path sessionsDir;
    private final Path logsDir;

    public DesktopSessions(Settings settings, UnixAccounts accounts, Optional<SessionCgroups> cgroups,
                           Listener listener) throws IOException {
        this.settings = settings;
        this.accounts = accounts;
        this.cgroups = cgroups;
        this.listener = listener;
        this.root = ProcFs.runsAsRoot();
        this.sessionsDir = settings.stateDir().resolve("sessions");
        this.logsDir = settings.stateDir().resolve("logs");
        Files.createDirectories(sessionsDir);
        Files.createDirectories(logsDir);
        // users must reach their own session directory, but not list the others
        Files.setPosixFilePermissions(settings.stateDir(), PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(sessionsDir, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(logsDir, PosixFilePermissions.fromString("rwx------"));
        if (root) {
            // each session's Xvnc runs as its user and reads its password file below the state directory
            for (Path p = settings.stateDir().toAbsolutePath().getParent(); p != null; p = p.getParent()) {
                if (!Files.getPosixFilePermissions(p).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
                    throw new IOException("state.dir must be reachable by session users, but " + p
                            + " is not traversable by others (chmod o+x, or choose another state.dir)");
                }
            }
        }
        Path x11 = Path.of("/tmp/.X11-unix");
        if (!Files.exists(x11)) {
            Files.createDirectories(x11);
            Files.setPosixFilePermissions(x11, PosixFilePermissions.fromString("rwxrwxrwt"));
        }
    }

    /**
     * Ends what a previous run of the agent left behind: session cgroups and directories of sessions it
     * no longer knows.
     *
     * @return how many orphaned sessions were ended
     */
    public int endLeftovers() throws IOException {
        int n = 0;
        if (cgroups.isPresent()) {
            for (Path cg : cgroups.get().leftovers()) {
                killCgroup(cg);
                n++;
            }
            cgroups.get().removeCpuLeftovers();
        }
        try (Stream<Path> dirs = Files.list(sessionsDir)) {
            for (Path d : dirs.toList()) {
                deleteTree(d);
            }
        }
        return n;
    }

    /**
     * Creates the session (or returns it when it exists: commands may be delivered twice) and returns
     * once its VNC port answers.
     *
     * @throws SessionFailed when it could not be started; nothing of it is left running
     */
    public DesktopSession create(UUID id, String brokerUsername, String desktopCommand) throws SessionFailed {
        DesktopSession fresh = new DesktopSession(id, brokerUsername);
        DesktopSession existing = sessions.putIfAbsent(id, fresh);
        if (existing != null) {
            return existing;
        }
        try {
            start(fresh, desktopCommand == null || desktopCommand.isBlank() ? settings.defaultDesktopCommand()
                    : desktopCommand);
            return fresh;
        } catch (IOException | RuntimeException e) {
            if (fresh.moveTo(DesktopSession.State.ENDING)) {
                finish(fresh, "start failed", false);
            } else {
                cleanUp(fresh); // a logoff arrived while starting: make sure nothing started after it survives
            }
            throw new SessionFailed("Session " + id + " for " + brokerUsername + " could not start: " + e.getMessage(), e);
        }
    }

    /** Logs the session off: every process of it ends. @return false when no such session is here */
    public boolean logoff(UUID id, String why) {
        DesktopSession s = sessions.get(id);
        if (s == null) {
            return false;
        }
        end(s, why, false);
        return true;
    }

    public void logoffAll(String why) {
        new ArrayList<>(sessions.values()).parallelStream().forEach(s -> end(s, why, false));
    }

    /** Logs off every session and removes the agent's cgroup. */
    public void close(String why) {
        logoffAll(why);
        cgroups.ifPresent(SessionCgroups::removeRoot);
    }

    public Optional<DesktopSession> get(UUID id) {
        return Optional.ofNullable(sessions.get(id));
    }

    public int count() {
        return sessions.size();
    }

    /** The sessions with their states and, for ready ones, the display's idle time. */
    public List<Snapshot> snapshot() {
        List<Snapshot> out = new ArrayList<>();
        for (DesktopSession s : sessions.values()) {
            Long idle = null;
            if (s.state() == DesktopSession.State.READY) {
                try {
                    idle = X11IdleProbe.idleMillis(s.display, s.cookie);
                } catch (IOException e) {
                    log.log(System.Logger.Level.DEBUG, "No idle time from {0}: {1}", s, e.getMessage());
                }
            }
            out.add(new Snapshot(s.id(), s.state().name(), idle));
        }
        out.sort(Comparator.comparing(Snapshot::sessionId));
        return out;
    }

    private void start(DesktopSession s, String desktopCommand) throws IOException {
        s.account = root ? accounts.resolve(s.brokerUsername()) : currentAccount();
        s.accountAt = Instant.now();
        s.dir = sessionsDir.resolve(s.id().toString());
        Files.createDirectories(s.dir);
        Files.setPosixFilePermissions(s.dir, PosixFilePermissions.fromString("rwx------"));
        s.password = VncPassword.random();
        s.cookie = XAuthority.newCookie();
        Path passwordFile = privateFile(s, "vncpasswd", VncPassword.passwordFile(s.password));
        Path authFile = privateFile(s, "Xauthority", null);
        if (root) {
            chown(s, s.dir);
        }
        if (cgroups.isPresent()) {
            s.cgroup = cgroups.get().create(s.id());
        }
        Path logFile = logsDir.resolve(s.id() + ".log");
        IOException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int display = allocateDisplay();
            s.display = display;
            s.port = settings.portBase() + display;
            Files.write(authFile, XAuthority.file(display, s.cookie));
            List<String> xvnc = new ArrayList<>(List.of("Xvnc", ":" + display, "-rfbport", Integer.toString(s.port),
                    "-interface", settings.listenAddress(), "-SecurityTypes", "VncAuth", "-PasswordFile",
                    passwordFile.toString(), "-auth", authFile.toString(), "-geometry", settings.geometry(),
                    "-depth", Integer.toString(settings.depth()), "-desktop",
                    s.account.name() + "@" + settings.hostName(), "-nolisten", "tcp"));
            xvnc.addAll(settings.xvncArgs());
            s.xvnc = spawn(s, xvnc, Map.of(), logFile);
            if (s.state() != DesktopSession.State.STARTING) {
                throw new IOException("logged off while starting");
            }
            try {
                awaitVnc(s);
                last = null;
                break;
            } catch (DisplayTaken e) {
                releaseDisplay(display);
                last = e;
                log.log(System.Logger.Level.INFO, "Display :{0} was taken meanwhile; trying another", display);
            }
        }
        if (last != null) {
            throw last;
        }
        s.readyAt = Instant.now();
        if (!s.moveTo(DesktopSession.State.READY)) {
            throw new IOException("logged off while starting");
        }
        Process x = s.xvnc;
        x.onExit().thenRun(() -> {
            if (s.state() == DesktopSession.State.READY) {
                end(s, "its X server (Xvnc) exited with code " + x.exitValue(), true);
            }
        });
        Map<String, String> env = Map.of("DISPLAY", ":" + s.display);
        s.desktop = spawn(s, List.of("/bin/sh", "-c", desktopCommand), env, logFile);
        if (s.state() != DesktopSession.State.READY) {
            throw new IOException("logged off while starting");
        }
        Process d = s.desktop;
        d.onExit().thenRun(() -> {
            if (s.state() == DesktopSession.State.READY) {
                end(s, "the desktop exited with code " + d.exitValue() + " (the user logged off)", true);
            }
        });
        log.log(System.Logger.Level.INFO, "Started {0} for account {1} on :{2} (VNC port {3}) in {4} ms (account {5} ms)", s,
                s.account.name(), Integer.toString(s.display), Integer.toString(s.port),
                Long.toString(Duration.between(s.requestedAt(), s.readyAt).toMillis()),
                Long.toString(Duration.between(s.requestedAt(), s.accountAt).toMillis()));
    }

    /** Xvnc could not take the display (another X server has it): try the next one. */
    private static final class DisplayTaken extends IOException {
        DisplayTaken(String m) {
            super(m);
        }
    }

    /** Waits until the session's VNC port sends the RFB greeting. */
    private void awaitVnc(DesktopSession s) throws IOException {
        String host = settings.listenAddress().equals("0.0.0.0") ? "127.0.0.1" : settings.listenAddress();
        long deadline = System.nanoTime() + settings.readyTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            if (!s.xvnc.isAlive()) {
                String tail = logTail(logsDir.resolve(s.id() + ".log"));
                if (tail.contains("already active") || tail.contains("Address already in use")
                        || tail.contains("server already running")) {
                    throw new DisplayTaken(tail);
                }
                throw new IOException("Xvnc exited with code " + s.xvnc.exitValue() + ": " + tail);
            }
            if (s.state() != DesktopSession.State.STARTING) {
                throw new IOException("logged off while starting");
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, s.port), 200);
                socket.setSoTimeout(2000);
                InputStream in = socket.getInputStream();
                byte[] greeting = in.readNBytes(4);
                if (new String(greeting, StandardCharsets.US_ASCII).equals("RFB ")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        throw new IOException("the VNC port " + s.port + " did not answer within " + settings.readyTimeout());
    }

    private Process spawn(DesktopSession s, List<String> command, Map<String, String> extraEnv, Path logFile)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c",
                "if [ -n \"$DESKPORT_CGROUP_PROCS\" ]; then echo $$ > \"$DESKPORT_CGROUP_PROCS\" || exit 97; fi; "
                        + "if [ -n \"$DESKPORT_CPU_CGROUP_PROCS\" ]; then echo $$ > \"$DESKPORT_CPU_CGROUP_PROCS\" 2>/dev/null; fi; "
                        + "unset DESKPORT_CGROUP_PROCS DESKPORT_CPU_CGROUP_PROCS; exec \"$@\"", "sh"));
        if (root) {
            cmd.addAll(List.of("setpriv", "--reuid=" + s.account.uid(), "--regid=" + s.account.gid(), "--init-groups", "--"));
        }
        cmd.add("setsid"); // its own process session: signals to the agent's process group do not reach it
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.clear();
        Map<String, String> base = new LinkedHashMap<>();
        base.put("HOME", s.account.home().toString());
        base.put("USER", s.account.name());
        base.put("LOGNAME", s.account.name());
        base.put("SHELL", s.account.shell());
        base.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        base.put("LANG", "C.UTF-8");
        base.put("XAUTHORITY", s.dir.resolve("Xauthority").toString());
        base.put("DESKPORT_SESSION_ID", s.id().toString());
        if (s.cgroup != null) {
            base.put("DESKPORT_CGROUP_PROCS", s.cgroup.resolve("cgroup.procs").toString());
            Path cpu = cgroups.map(c -> c.cpuProcs(s.cgroup)).orElse(null);
            if (cpu != null) {
                base.put("DESKPORT_CPU_CGROUP_PROCS", cpu.toString());
            }
        }
        base.putAll(extraEnv);
        env.putAll(base);
        File home = s.account.home().toFile();
        pb.directory(home.isDirectory() ? home : new File("/"));
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return pb.start();
    }

    /** Ends the session and every process of it; idempotent. */
    private void end(DesktopSession s, String why, boolean byItself) {
        if (s.moveTo(DesktopSession.State.ENDING)) {
            finish(s, why, byItself);
        }
    }

    private void finish(DesktopSession s, String why, boolean byItself) {
        cleanUp(s);
        s.moveTo(DesktopSession.State.ENDED);
        sessions.remove(s.id(), s);
        log.log(System.Logger.Level.INFO, "Ended {0}: {1}", s, why);
        if (byItself) {
            listener.endedByItself(s, why);
        }
    }

    private void cleanUp(DesktopSession s) {
        try {
            if (s.cgroup != null) {
                killCgroup(s.cgroup);
                cgroups.ifPresent(c -> c.removeCpu(s.cgroup));
            } else {
                killWithoutCgroup(s);
            }
            if (s.display >= 0) {
                releaseDisplay(s.display);
            }
            if (s.dir != null) {
                deleteTree(s.dir);
            }
            if (settings.removeAccountsOnLogoff() && root && s.account != null && !accountInUse(s)) {
                accounts.remove(s.account);
            }
        } catch (IOException | RuntimeException e) {
            log.log(System.Logger.Level.WARNING, "Cleaning up {0} failed: {1}", s, e.getMessage());
        }
    }

    /** TERM to everyone (a second to exit cleanly), then the cgroup's kill switch, then remove it. */
    private static void killCgroup(Path cgroup) {
        SessionCgroups.pids(cgroup).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
        if (!awaitEmpty(cgroup, Duration.ofSeconds(1))) {
            SessionCgroups.kill(cgroup);
            if (!awaitEmpty(cgroup, Duration.ofSeconds(10))) {
                log.log(System.Logger.Level.WARNING, "Processes of {0} survived the kill: {1}", cgroup,
                        SessionCgroups.pids(cgroup));
            }
        }
        SessionCgroups.remove(cgroup);
    }

    private static boolean awaitEmpty(Path cgroup, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!SessionCgroups.pids(cgroup).isEmpty()) {
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

    /** Without cgroups: the process trees of Xvnc and the desktop, then anything else the account runs. */
    private void killWithoutCgroup(DesktopSession s) {
        for (Process p : new Process[] {s.desktop, s.xvnc}) {
            if (p != null) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
        if (root && s.account != null && s.account.uid() != 0 && !accountInUse(s)) {
            ProcessHandle.allProcesses().filter(h -> ProcFs.uidOf(h.pid()) == s.account.uid())
                    .forEach(ProcessHandle::destroyForcibly);
        }
    }

    private boolean accountInUse(DesktopSession ending) {
        return sessions.values().stream().anyMatch(o -> o != ending && o.account != null
                && o.account.uid() == ending.account.uid() && o.state() != DesktopSession.State.ENDED);
    }

    private static final XDisplays X_DISPLAYS = new XDisplays(Path.of("/tmp"));

    private int allocateDisplay() throws IOException {
        synchronized (displaysInUse) {
            for (int d = settings.firstDisplay(); d <= settings.lastDisplay(); d++) {
                if (displaysInUse.contains(d) || !X_DISPLAYS.free(d) || portTaken(settings.portBase() + d)) {
                    continue;
                }
                displaysInUse.add(d);
                return d;
            }
        }
        throw new IOException("No free display between :" + settings.firstDisplay() + " and :" + settings.lastDisplay());
    }

    private void releaseDisplay(int d) {
        synchronized (displaysInUse) {
            displaysInUse.remove(d);
        }
    }

    private boolean portTaken(int port) {
        try (java.net.ServerSocket ss = new java.net.ServerSocket()) {
            ss.setReuseAddress(true);
            ss.bind(new InetSocketAddress(settings.listenAddress(), port));
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private Path privateFile(DesktopSession s, String name, byte[] content) throws IOException {
        Path f = s.dir.resolve(name);
        Files.deleteIfExists(f);
        Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        if (content != null) {
            Files.write(f, content);
        }
        if (root) {
            chown(s, f);
        }
        return f;
    }

    private static void chown(DesktopSession s, Path p) throws IOException {
        Files.setAttribute(p, "unix:uid", s.account.uid());
        Files.setAttribute(p, "unix:gid", s.account.gid());
    }

    private static UnixAccounts.Account currentAccount() throws IOException {
        return new UnixAccounts.Account(System.getProperty("user.name"), ProcFs.selfUid(), ProcFs.selfGid(),
                Path.of(System.getProperty("user.home")), "/bin/sh");
    }

    private static String logTail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // already gone
        }
    }
}
