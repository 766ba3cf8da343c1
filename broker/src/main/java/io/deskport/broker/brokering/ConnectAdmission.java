package io.deskport.broker.brokering;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import com.zaxxer.hikari.HikariDataSource;

import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;

/**
 * Back-pressure for connects. Virtual threads make it cheap to start thousands of connects at once, but
 * the database serves only as many transactions as the pool has connections: the rest would queue for
 * a connection until the pool's timeout and then fail. Instead, at most {@link #limit()} connect
 * transactions run at once on this broker; a connect waits for its turn (in arrival order) at most
 * {@link SessionProperties#admissionWait()}, and is otherwise refused with {@code 503 OVERLOADED} and
 * {@code Retry-After}, having tried nothing.
 *
 * <p>A connect that would not get its turn within the wait anyway is refused at once rather than after
 * waiting it out: the expected wait is the connects queued ahead of it times how long a connect holds its
 * turn (a moving average), shared by the {@link #limit()} turns. Under a storm larger than the broker can
 * serve, the excess is answered in a moment and comes back after {@code Retry-After} (as the portal does),
 * and the connects that are admitted wait at most about the admission wait. Such a connect is refused before the
 * broker even reads it ({@link ConnectShedding}, by the same rule): a refusal that went through the security
 * filters and the controller cost about half a connect, and a storm of them left no CPU for the connects.
 *
 * <p>The users' disconnects and logoffs ({@link #admitEnding}) take turns of their own, as many and with the
 * same rules, but wait longer for one ({@link SessionProperties#endingWait()}): a storm of logoffs at the end
 * of a day would otherwise take every connection of the pool, and leave the connects, the webhook relay and
 * every other background task of the broker waiting for one until the pool's timeout (seen in bench/metering
 * on 2026-12-07: deliveries stalled for 6 s, logoffs answered "the database is unavailable"). With both, at
 * most twice {@link #limit()} session transactions of users run at once, which leaves the rest of the pool to
 * everything else. Separate turns, so that neither storm refuses the other.
 *
 * <p>At most {@link SessionProperties#maxWaiting()} of each kind wait at once; the next is refused at once. The
 * expected wait alone does not bound them when turns are short: at a mean hold of 8 ms, a 5 s ending wait admits
 * 2,500 waiting logoffs, each holding its connection, request buffers and thread. In bench/metering (2026-12-07)
 * a logoff storm at 500/s came close (a heap histogram counted ~3,700 requests in flight): the broker's heap after
 * each young collection grew from 85 MB to 925 MB within 30 s and its collector stopped it for 0.3–1.4 s at a
 * time, connects and webhook deliveries with it (with this bound: 0.40–0.84 s at most in three runs; what
 * still survives the young collections then is not identified).
 */
@Component
class ConnectAdmission {

    private static final Logger log = LoggerFactory.getLogger(ConnectAdmission.class);

    private final int limit;
    private final SessionProperties props;
    private final Turns connects;
    private final Turns endings;

    ConnectAdmission(SessionProperties props, DataSource dataSource) {
        this.props = props;
        this.limit = props.maxConcurrentConnects() > 0 ? props.maxConcurrentConnects()
                : automaticLimit(poolSize(dataSource), Runtime.getRuntime().availableProcessors());
        this.connects = new Turns("Connects", props.admissionWait(), "Too many people are connecting at this moment; "
                + "you will be connected if you try again in a moment", "concurrentConnects");
        this.endings = new Turns("Disconnects and logoffs", props.endingWait(), "Too many sessions are being "
                + "disconnected or ended at this moment; try again in a moment", "concurrentEndings");
        log.info("At most {} connect transactions run at once on this broker, each waiting at most {} for its turn, "
                + "and {} disconnects or logoffs, each waiting at most {}; at most {} of each wait at once", limit,
                props.admissionWait(), limit, props.endingWait(), props.maxWaiting());
    }

    /**
     * Twice the processors this broker sees, at most the connection pool's size. A connect transaction is short
     * and mostly the database's work: beyond about two per database core, more at once add no throughput, only
     * queueing inside the database (and lock waits between them) that every connect then waits out. The broker
     * cannot see the database's cores, so it takes its own as the measure; an operator with a larger database
     * sets {@code deskport.sessions.max-concurrent-connects}. (On two cores, two brokers and their PostgreSQL:
     * 4 at once per broker answered 25–45% more refusals per second than 16, at about a third of the p99;
     * bench/README, bench/overload runs 17–19.)
     */
    static int automaticLimit(int poolSize, int processors) {
        return Math.max(1, Math.min(poolSize, 2 * processors));
    }

    private static int poolSize(DataSource dataSource) {
        try {
            if (dataSource != null && dataSource.isWrapperFor(HikariDataSource.class)) {
                return Math.max(1, dataSource.unwrap(HikariDataSource.class).getMaximumPoolSize());
            }
        } catch (java.sql.SQLException e) {
            log.debug("Cannot read the connection pool's size: {}", e.getMessage());
        }
        return 10;
    }

    /** Connect transactions this broker runs at once (and as many disconnects or logoffs). */
    int limit() {
        return limit;
    }

    /**
     * Runs a connect when its turn comes.
     *
     * @throws ProblemException OVERLOADED when no turn came within the admission wait
     */
    <T> T admit(Supplier<T> connect) {
        return connects.admit(connect);
    }

    /**
     * Runs a user's disconnect or logoff when its turn comes (turns apart from the connects').
     *
     * @throws ProblemException OVERLOADED when no turn came within the ending wait
     */
    <T> T admitEnding(Supplier<T> ending) {
        return endings.admit(ending);
    }

    /** The wait a connect arriving now can expect for its turn, nanoseconds (0 until connects have run). */
    long expectedWait() {
        return connects.expectedWait();
    }

    /** Connects waiting for their turn now (an estimate, as the semaphore's queue length is). */
    int waitingConnects() {
        return connects.turns.getQueueLength();
    }

    /**
     * The refusal a connect arriving now gets at once, before it is even read ({@link ConnectShedding}), or null
     * when it may wait for its turn or have one: every turn is taken and the connects waiting already fill the
     * admission wait (or the waiting room). The same rule {@link #admit} refuses by, asked without taking a turn.
     */
    ProblemException shedConnect() {
        return connects.shed();
    }

    /** {@link #shedConnect()} for a disconnect or logoff, by the endings' own turns. */
    ProblemException shedEnding() {
        return endings.shed();
    }

    /** One kind of session transaction's turns. */
    private final class Turns {

        private final Semaphore turns = new Semaphore(limit, true);
        /** How long an admitted transaction held its turn, nanoseconds: a moving average over about the last 16. */
        private final AtomicLong meanHold = new AtomicLong();
        private final String what;
        private final Duration maxWait;
        private final String refusal;
        private final String figure;
        private volatile long lastWarning;

        Turns(String what, Duration maxWait, String refusal, String figure) {
            this.what = what;
            this.maxWait = maxWait;
            this.refusal = refusal;
            this.figure = figure;
        }

        <T> T admit(Supplier<T> work) {
            boolean admitted;
            try {
                // (the timed tryAcquire keeps the arrival order; the untimed one would jump the queue)
                admitted = turns.tryAcquire(0, TimeUnit.NANOSECONDS)
                        || mayWait() && turns.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                admitted = false;
            }
            if (!admitted) {
                throw refused();
            }
            long start = System.nanoTime();
            try {
                return work.get();
            } finally {
                turns.release();
                long held = System.nanoTime() - start;
                meanHold.getAndUpdate(m -> m == 0 ? held : m + (held - m) / 16);
            }
        }

        long expectedWait() {
            return (turns.getQueueLength() + 1L) * meanHold.get() / limit;
        }

        /** Whether one arriving now may wait for a turn: room in the waiting room, and a turn expected in time. */
        private boolean mayWait() {
            return turns.getQueueLength() < props.maxWaiting() && expectedWait() <= maxWait.toNanos();
        }

        /** The refusal of one arriving now that would be refused at once, or null (a turn is free, or it may wait). */
        ProblemException shed() {
            return turns.availablePermits() > 0 || mayWait() ? null : refused();
        }

        private ProblemException refused() {
            long now = System.nanoTime();
            if (now - lastWarning > TimeUnit.SECONDS.toNanos(10)) {
                lastWarning = now;
                log.warn("{} refused as OVERLOADED: {} run at once and {} wait for a turn; at most {} may wait, "
                        + "each at most {} (logged every 10 s)", what, limit, turns.getQueueLength(),
                        props.maxWaiting(), maxWait);
            }
            return new ProblemException(Reason.OVERLOADED, refusal,
                    Map.of(figure, limit, "retryAfterSeconds", Math.max(1, props.overloadedRetryAfter().toSeconds())));
        }
    }
}
