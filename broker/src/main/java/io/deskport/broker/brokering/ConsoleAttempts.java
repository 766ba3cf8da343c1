package io.deskport.broker.brokering;

import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.shared.CurrentUser;

/**
 * Attempts to reach a session's desktop through the display gateway, as the tunnel reports them. A failure
 * is recorded on the session (what failed, how many times in a row, when) and in the audit trail, and the
 * session's client is detached; after {@link ConsoleFailure#attemptsBeforeEnd()} failures in a row (each
 * within {@link #SERIES_WINDOW_SECONDS} of the one before) the session ends as
 * {@link EndReason#DESKTOP_UNREACHABLE} and its desktop is taken out of service (FAILED, with the reason)
 * rather than handed to the next user. A desktop that drew its first frame clears the count.
 */
@Service
public class ConsoleAttempts {

    private static final Logger log = LoggerFactory.getLogger(ConsoleAttempts.class);
    /** A failure longer than this after the previous one starts a new series. */
    static final int SERIES_WINDOW_SECONDS = 120;

    private final JdbcClient jdbc;
    private final SessionLifecycle lifecycle;
    private final ApplicationEventPublisher events;

    ConsoleAttempts(JdbcClient jdbc, SessionLifecycle lifecycle, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.lifecycle = lifecycle;
        this.events = events;
    }

    /**
     * The gateway could not reach the session's desktop through the tunnel {@code tunnelId}.
     *
     * @param detail what the gateway said (for admins and the log)
     * @return the failed attempts in a row, this one included, or 0 when the session is unknown or over
     */
    @Transactional
    public int failed(UUID sessionId, UUID tunnelId, ConsoleFailure failure, String detail) {
        SessionLifecycle.Row row = lifecycle.lock(sessionId).orElse(null);
        if (row == null || row.state() == SessionState.ENDED) {
            return 0;
        }
        int attempts = jdbc.sql("update session set console_failures = case when console_failure_at > now() - "
                        + "make_interval(secs => ?) then console_failures + 1 else 1 end, console_failure = ?, "
                        + "console_failure_at = now() where id = ? returning console_failures")
                .params(SERIES_WINDOW_SECONDS, failure.name(), sessionId).query(Integer.class).single();
        boolean giveUp = attempts >= failure.attemptsBeforeEnd();
        events.publishEvent(new SessionConsoleFailed(row.tenantId(), sessionId, row.poolId(), row.userId(),
                row.desktopId(), row.hostId(), failure, detail, attempts, giveUp));
        if (giveUp) {
            lifecycle.end(sessionId, EndReason.DESKTOP_UNREACHABLE, CurrentUser.SYSTEM, true,
                    "console unreachable: " + failure + " (" + attempts + (attempts == 1 ? " attempt" : " attempts")
                            + " of session " + sessionId + "): " + detail);
            log.warn("Session {}: its desktop's console could not be reached ({}, {} in a row); session ended, desktop {}"
                    + " taken out of service", sessionId, failure, attempts, row.desktopId() == null ? "(host)" : row.desktopId());
        } else {
            lifecycle.markTunnelClosed(sessionId, tunnelId, CurrentUser.SYSTEM);
            log.info("Session {}: its desktop's console could not be reached ({}, {} of {} attempts)", sessionId, failure,
                    attempts, failure.attemptsBeforeEnd());
        }
        return attempts;
    }

    /** The desktop drew through the tunnel: earlier failures no longer count. */
    @Transactional
    public void reached(UUID sessionId) {
        jdbc.sql("update session set console_failures = 0, console_failure = null, console_failure_at = null "
                + "where id = ? and console_failures > 0").param(sessionId).update();
    }
}
