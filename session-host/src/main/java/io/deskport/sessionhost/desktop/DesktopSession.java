package io.deskport.sessionhost.desktop;

import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

/**
 * One user's desktop session on this host: an Xvnc display of its own (port, random password, X
 * cookie) running the pool's desktop command as the user's account, all in one cgroup.
 */
public final class DesktopSession {

    /** The life of a desktop session on the host. */
    public enum State { STARTING, READY, ENDING, ENDED }

    private final UUID id;
    private final String brokerUsername;
    private volatile State state = State.STARTING;
    volatile UnixAccounts.Account account;
    volatile int display = -1;
    volatile int port = -1;
    volatile String password;
    volatile byte[] cookie;
    volatile Path dir;
    volatile Path cgroup;
    volatile Process xvnc;
    volatile Process desktop;
    volatile boolean accountCreated;
    /** A session of published applications: no desktop, its windows kept at full screen by the agent. */
    volatile boolean applicationsOnly;
    volatile ApplicationWindows windows;
    /** The processes of the applications launched into the session. */
    final java.util.List<Process> applications = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Instant requestedAt = Instant.now();
    volatile Instant readyAt;
    volatile Instant accountAt;

    DesktopSession(UUID id, String brokerUsername) {
        this.id = id;
        this.brokerUsername = brokerUsername;
    }

    public UUID id() {
        return id;
    }

    public String brokerUsername() {
        return brokerUsername;
    }

    public State state() {
        return state;
    }

    /** Moves the state; ENDING and ENDED are never left. @return false when the move is not allowed */
    synchronized boolean moveTo(State next) {
        boolean ok = switch (state) {
            case STARTING -> next != State.STARTING;
            case READY -> next == State.ENDING || next == State.ENDED;
            case ENDING -> next == State.ENDED; // only the one who moved it to ENDING finishes it
            case ENDED -> false;
        };
        if (ok) {
            state = next;
        }
        return ok;
    }

    public UnixAccounts.Account account() {
        return account;
    }

    public int display() {
        return display;
    }

    public int port() {
        return port;
    }

    /** The VNC password of the session (reported to the broker only). */
    public String password() {
        return password;
    }

    /** @return whether the session runs published applications only (no desktop shell) */
    public boolean applicationsOnly() {
        return applicationsOnly;
    }

    /** @return how many launched applications still run */
    public long runningApplications() {
        return applications.stream().filter(Process::isAlive).count();
    }

    public Path cgroup() {
        return cgroup;
    }

    public Instant requestedAt() {
        return requestedAt;
    }

    public Instant readyAt() {
        return readyAt;
    }

    /** @return the pid of the session's X server, or -1 */
    public long xvncPid() {
        Process p = xvnc;
        return p == null ? -1 : p.pid();
    }

    @Override
    public String toString() {
        return "session " + id + " (" + brokerUsername + (display >= 0 ? ", :" + display : "") + ", " + state + ")";
    }
}
