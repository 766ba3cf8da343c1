package io.deskport.broker.brokering;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Connect and session settings ({@code deskport.sessions.*}).
 *
 * @param timerInterval       how often every broker runs the session timers (timeouts, deadlines)
 * @param prepareTimeout      a session still PREPARING after this long (its desktop never became ready) ends
 *                            as PROVISIONING_FAILED, giving back its desktop, host seat and quota seat; a
 *                            pool's {@code prepareTimeoutSeconds} overrides it
 * @param maxConcurrentConnects connect transactions this broker runs at once; 0 = twice the processors it
 *                            sees, at most its connection pool's size. More wait up to {@code admissionWait}.
 * @param admissionWait       how long a connect waits for its turn before it is refused as OVERLOADED
 * @param overloadedRetryAfter the Retry-After an OVERLOADED refusal carries
 * @param refusalMemory       after a pool (or a tenant's quota) refused a connect, further connects to it on
 *                            this broker are answered with that refusal for this long, unless this broker sees
 *                            a session end or a desktop become ready meanwhile; 0 = always look
 * @param endingWait          how long a user's disconnect or logoff waits for its turn (turns of their own, as many
 *                            as the connects') before it is refused as OVERLOADED: longer than a connect's, since
 *                            ending a session is what frees the room others wait for, and the user's click
 *                            should rather take a moment than fail
 * @param maxWaiting          connects that may wait for a turn at once on this broker (and, apart, as many
 *                            disconnects and logoffs); more are refused at once as OVERLOADED. A waiting request
 *                            holds its connection, its buffers and its thread (tens of KB): a logoff storm waiting
 *                            out the ending wait by the thousand filled the broker's young heap with them, and
 *                            its collector then stopped everything for up to 1.4 s at a time
 * @param orphanedTunnelGrace how long a CONNECTED session's tunnel must have been on a replica that is gone (its
 *                            {@link ReplicaPresence} lock no longer held) before the session timers mark it
 *                            DISCONNECTED: a replica whose database connection broke for a moment takes its
 *                            lock again well within it
 */
@Validated
@ConfigurationProperties("deskport.sessions")
record SessionProperties(@DefaultValue("5s") Duration timerInterval,
                                @DefaultValue("10m") Duration prepareTimeout,
                                @DefaultValue("0") int maxConcurrentConnects,
                                @DefaultValue("50ms") Duration admissionWait,
                                @DefaultValue("1s") Duration overloadedRetryAfter,
                                @DefaultValue("250ms") Duration refusalMemory,
                                @DefaultValue("10s") Duration orphanedTunnelGrace,
                                @DefaultValue("5s") Duration endingWait,
                                @DefaultValue("256") int maxWaiting) {

    public SessionProperties {
        if (prepareTimeout.isNegative() || prepareTimeout.isZero()) {
            throw new IllegalArgumentException("deskport.sessions.prepare-timeout must be positive");
        }
        if (maxConcurrentConnects < 0) {
            throw new IllegalArgumentException("deskport.sessions.max-concurrent-connects must be 0 (automatic) or more");
        }
        if (refusalMemory.isNegative() || refusalMemory.compareTo(Duration.ofSeconds(5)) > 0) {
            throw new IllegalArgumentException("deskport.sessions.refusal-memory must be between 0 and 5s");
        }
        if (orphanedTunnelGrace.isNegative()) {
            throw new IllegalArgumentException("deskport.sessions.orphaned-tunnel-grace must not be negative");
        }
        if (admissionWait.isNegative()) {
            throw new IllegalArgumentException("deskport.sessions.admission-wait must not be negative");
        }
        if (endingWait.isNegative()) {
            throw new IllegalArgumentException("deskport.sessions.ending-wait must not be negative");
        }
        if (maxWaiting < 0) {
            throw new IllegalArgumentException("deskport.sessions.max-waiting must not be negative");
        }
    }
}
