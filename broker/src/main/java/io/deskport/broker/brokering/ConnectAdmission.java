package io.deskport.broker.brokering;

import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
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
 * {@link SessionProperties#admissionWait()}, and is otherwise refused at once with {@code 503 OVERLOADED}
 * and {@code Retry-After}, having tried nothing.
 */
@Component
class ConnectAdmission {

    private static final Logger log = LoggerFactory.getLogger(ConnectAdmission.class);

    private final Semaphore turns;
    private final int limit;
    private final SessionProperties props;
    private volatile long lastWarning;

    ConnectAdmission(SessionProperties props, DataSource dataSource) {
        this.props = props;
        this.limit = props.maxConcurrentConnects() > 0 ? props.maxConcurrentConnects() : poolSize(dataSource);
        this.turns = new Semaphore(limit, true);
    }

    private static int poolSize(DataSource dataSource) {
        try {
            if (dataSource.isWrapperFor(HikariDataSource.class)) {
                return Math.max(1, dataSource.unwrap(HikariDataSource.class).getMaximumPoolSize());
            }
        } catch (java.sql.SQLException e) {
            log.debug("Cannot read the connection pool's size: {}", e.getMessage());
        }
        return 10;
    }

    /** Connect transactions this broker runs at once. */
    int limit() {
        return limit;
    }

    /**
     * Runs a connect when its turn comes.
     *
     * @throws ProblemException OVERLOADED when no turn came within the admission wait
     */
    <T> T admit(Supplier<T> connect) {
        boolean admitted;
        try {
            admitted = turns.tryAcquire(props.admissionWait().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            admitted = false;
        }
        if (!admitted) {
            long now = System.nanoTime();
            if (now - lastWarning > TimeUnit.SECONDS.toNanos(10)) {
                lastWarning = now;
                log.warn("Connects refused as OVERLOADED: {} run at once and more waited over {} (logged every 10 s)",
                        limit, props.admissionWait());
            }
            throw new ProblemException(Reason.OVERLOADED, "Too many people are connecting at this moment; "
                    + "you will be connected if you try again in a moment",
                    Map.of("concurrentConnects", limit, "retryAfterSeconds",
                            Math.max(1, props.overloadedRetryAfter().toSeconds())));
        }
        try {
            return connect.get();
        } finally {
            turns.release();
        }
    }
}
