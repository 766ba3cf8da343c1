package io.deskport.sessionhost.desktop;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.deskport.sessionhost.procfs.ProcFs;

/**
 * Creates, watches and ends the desktop sessions of this host.
 *
 * <p>A session is: the user's account (mapped from the broker user, created if allowed: {@link SessionAccounts}), a
 * private directory with its VNC password file and X cookie (mode 0700/0600, owned by the user: {@link SessionFiles}),
 * an Xvnc display of its own listening only on the configured address ({@link Displays}, {@link XvncLauncher}), and
 * the desktop command — every process started in the session's cgroup as the user, in a new process session
 * ({@link SessionProcesses}). It is READY when its VNC port answers with the RFB greeting (the desktop comes up
 * meanwhile). It ends on logoff (every process of the cgroup killed), or by itself when Xvnc or the desktop command
 * exits. This class keeps the sessions and their states; the parts named do the work.
 */
public final class DesktopSessions {

    private static final System.Logger log = System.getLogger(DesktopSessions.class.getName());

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

    private final String defaultDesktopCommand;
    private final Listener listener;
    private final ConcurrentMap<UUID, DesktopSession> sessions = new ConcurrentHashMap<>();
    private final SessionAccounts accounts;
    private final SessionFiles files;
    private final Displays displays;
    private final SessionProcesses processes;
    private final XvncLauncher xvnc;

    public DesktopSessions(Settings settings, UnixAccounts accounts, Optional<SessionCgroups> cgroups,
                           Listener listener) throws IOException {
        boolean root = ProcFs.runsAsRoot();
        this.defaultDesktopCommand = settings.defaultDesktopCommand();
        this.listener = listener;
        this.accounts = new SessionAccounts(accounts, root, settings.removeAccountsOnLogoff());
        this.files = new SessionFiles(settings.stateDir(), root);
        this.displays = new Displays(settings.firstDisplay(), settings.lastDisplay(), settings.portBase(),
                settings.listenAddress());
        this.processes = new SessionProcesses(cgroups, files, root);
        this.xvnc = new XvncLauncher(settings, displays, files, processes);
    }

    /**
     * Ends what a previous run of the agent left behind: session cgroups and directories of sessions it
     * no longer knows.
     *
     * @return how many orphaned sessions were ended
     */
    public int endLeftovers() throws IOException {
        int n = processes.endLeftovers();
        files.deleteAll();
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
            start(fresh, desktopCommand == null || desktopCommand.isBlank() ? defaultDesktopCommand : desktopCommand);
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
        processes.close();
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
        s.account = accounts.of(s.brokerUsername());
        s.accountAt = Instant.now();
        s.password = VncPassword.random();
        s.cookie = XAuthority.newCookie();
        files.create(s);
        processes.createCgroup(s);
        xvnc.start(s);
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
        s.desktop = processes.spawn(s, List.of("/bin/sh", "-c", desktopCommand), Map.of("DISPLAY", ":" + s.display));
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
            processes.end(s);
            if (s.cgroup == null && s.account != null && !accountInUse(s)) {
                accounts.endProcesses(s.account); // without a cgroup, anything else the account runs
            }
            if (s.display >= 0) {
                displays.release(s.display);
            }
            files.delete(s);
            if (s.account != null && !accountInUse(s)) {
                accounts.release(s.account);
            }
        } catch (IOException | RuntimeException e) {
            log.log(System.Logger.Level.WARNING, "Cleaning up {0} failed: {1}", s, e.getMessage());
        }
    }

    private boolean accountInUse(DesktopSession ending) {
        return sessions.values().stream().anyMatch(o -> o != ending && o.account != null
                && o.account.uid() == ending.account.uid() && o.state() != DesktopSession.State.ENDED);
    }
}
