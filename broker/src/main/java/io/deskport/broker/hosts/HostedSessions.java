package io.deskport.broker.hosts;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/**
 * What the hosts module needs to know about the sessions living on a host, implemented by the module
 * that owns sessions (brokering). Every call runs inside the transaction of the agent's request that
 * caused it.
 */
public interface HostedSessions {

    /** The console of one desktop session on an agent host (its own Xvnc display). */
    record Console(String host, int port, String password) {
    }

    /** A session as the agent lists it in a heartbeat. */
    record ReportedSession(@NotNull UUID sessionId, @Size(max = 32) String state, @PositiveOrZero Long idleMillis) {
    }

    /**
     * The agent made the session's desktop ready: its console answers.
     *
     * @return false when the broker does not know the session as live on that host (the agent logs it off)
     */
    boolean ready(UUID hostId, UUID sessionId, Console console);

    /**
     * The session ended on the host by itself, or could not be created ({@code failed}).
     */
    void ended(UUID hostId, UUID sessionId, boolean failed, String detail);

    /**
     * Compares the agent's session list with the broker's: live sessions the agent no longer has end,
     * idle times are recorded.
     *
     * @param reportGrace sessions whose state changed more recently than this are not ended for being missing
     * @param prepareTimeout sessions still preparing after this are ended as failed
     * @return ids the agent reported that are not live sessions on that host (the agent logs them off)
     */
    Set<UUID> reconcile(UUID hostId, List<ReportedSession> reported, Duration reportGrace, Duration prepareTimeout);

    /** The host stayed unreachable past the grace period: its live sessions are lost. */
    int hostLost(UUID hostId);
}
