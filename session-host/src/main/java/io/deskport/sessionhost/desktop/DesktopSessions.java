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
    private final Duration readyTimeout;
    private final Duration applicationExitGrace;

    /** Sessions whose last application ended after {@link #DEFAULT_APPLICATION_EXIT_GRACE}. */
    public DesktopSessions(Settings settings, UnixAccounts accounts, Optional<SessionCgroups> cgroups,
                           Listener listener) throws IOException {
        this(settings, accounts, cgroups, listener, DEFAULT_APPLICATION_EXIT_GRACE);
    }

    /** How long an application session waits, once its last application is gone, before it ends. */
    public static final Duration DEFAULT_APPLICATION_EXIT_GRACE = Duration.ofSeconds(5);

    /**
     * @param applicationExitGrace how long a session of published applications lives on once its last application
     *                             and window are gone (one started meanwhile keeps it)
     */
    public DesktopSessions(Settings settings, UnixAccounts accounts, Optional<SessionCgroups> cgroups,
                           Listener listener, Duration applicationExitGrace) throws IOException {
        this.readyTimeout = settings.readyTimeout();
        this.applicationExitGrace = applicationExitGrace;
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
        return create(id, brokerUsername, desktopCommand, null);
    }

    /**
     * Creates the session (or returns it when it exists: commands may be delivered twice) and returns once its VNC
     * port answers. With an application, the session has no desktop: the application runs alone, its windows at
     * full screen ({@link ApplicationWindows}), and the session ends once the last application is gone.
     *
     * @throws SessionFailed when it could not be started; nothing of it is left running
     */
    public DesktopSession create(UUID id, String brokerUsername, String desktopCommand, Application application)
            throws SessionFailed {
        DesktopSession fresh = new DesktopSession(id, brokerUsername);
        fresh.applicationsOnly = application != null;
        DesktopSession existing = sessions.putIfAbsent(id, fresh);
        if (existing != null) {
            return existing;
        }
        try {
            if (application != null) {
                startForApplications(fresh, application);
            } else {
                start(fresh, desktopCommand == null || desktopCommand.isBlank() ? defaultDesktopCommand : desktopCommand);
            }
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

    /**
     * Starts an application in the session (a desktop session or one of applications), waiting for a session still
     * starting (the command to create it may be handled at the same time).
     *
     * @return false when the session is not here, or ended
     * @throws IOException when the application could not be started, or the session did not become ready in time
     */
    public boolean launch(UUID id, Application application) throws IOException {
        long deadline = System.nanoTime() + readyTimeout.plusSeconds(5).toNanos();
        while (true) {
            DesktopSession s = sessions.get(id);
            if (s != null && s.state() == DesktopSession.State.READY) {
                launchIn(s, application);
                return true;
            }
            if (s != null && (s.state() == DesktopSession.State.ENDING || s.state() == DesktopSession.State.ENDED)) {
                return false;
            }
            if (System.nanoTime() > deadline) {
                if (s == null) {
                    return false;
                }
                throw new IOException("session " + id + " did not become ready to launch " + application.name());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
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

    /**
     * The session's account, secrets, files, cgroup and X server (with the agent's window management for an
     * application session), READY, ended when its X server exits.
     */
    private void startDisplay(DesktopSession s, boolean manageWindows) throws IOException {
        s.account = accounts.of(s.brokerUsername());
        s.accountAt = Instant.now();
        s.password = VncPassword.random();
        s.cookie = XAuthority.newCookie();
        files.create(s);
        processes.createCgroup(s);
        xvnc.start(s);
        if (manageWindows) {
            s.windows = ApplicationWindows.manage(s.display, s.cookie);
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
    }

    private void start(DesktopSession s, String desktopCommand) throws IOException {
        startDisplay(s, false);
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

    /** An application session: Xvnc, the agent's window management, the application; no desktop. */
    private void startForApplications(DesktopSession s, Application application) throws IOException {
        startDisplay(s, true);
        launchIn(s, application);
        log.log(System.Logger.Level.INFO, "Started application session {0} for account {1} on :{2} (VNC port {3}) "
                        + "with {4} in {5} ms", s, s.account.name(), Integer.toString(s.display), Integer.toString(s.port),
                application.name(), Long.toString(Duration.between(s.requestedAt(), s.readyAt).toMillis()));
    }

    private void launchIn(DesktopSession s, Application application) throws IOException {
        Path directory = application.workingDirectory() == null ? null : Path.of(application.workingDirectory());
        Process p = processes.spawn(s, application.argv(), Map.of("DISPLAY", ":" + s.display,
                "DESKPORT_APPLICATION_ID", application.id() == null ? "" : application.id()), directory);
        s.applications.add(p);
        log.log(System.Logger.Level.INFO, "Launched {0} ({1}) in {2}", application.name(), application.command(), s);
        if (s.applicationsOnly) {
            p.onExit().thenRun(() -> afterApplicationExit(s, application));
        }
    }

    /**
     * An application of an application session ended: once no application runs and no window has been shown for
     * the grace period, the session ends (as a logoff would), reported as ended by itself. A window may outlive its
     * process by a moment (the X server tells the agent's window management after the process is gone), or stay
     * shown by a child of it: the grace counts from the last window gone. An application still running watches
     * for itself (its own exit starts this again).
     */
    private void afterApplicationExit(DesktopSession s, Application application) {
        log.log(System.Logger.Level.INFO, "{0} exited in {1}", application.name(), s);
        Thread.ofVirtual().start(() -> {
            long quietSince = System.nanoTime();
            while (s.state() == DesktopSession.State.READY) {
                if (s.runningApplications() > 0) {
                    return;
                }
                ApplicationWindows w = s.windows;
                if (w != null && w.shownWindows() > 0) {
                    quietSince = System.nanoTime();
                } else if (System.nanoTime() - quietSince >= applicationExitGrace.toNanos()) {
                    end(s, "its last application exited", true);
                    return;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
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
            ApplicationWindows w = s.windows;
            if (w != null) {
                w.close();
            }
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
