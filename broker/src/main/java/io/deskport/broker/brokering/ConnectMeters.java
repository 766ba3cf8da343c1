package io.deskport.broker.brokering;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.deskport.broker.pools.PoolKind;
import io.deskport.broker.shared.Reason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The connect's meters, all registered up front so that a connect only records into a timer it already holds (no
 * registry look-up on the hot path): {@code deskport.connect} (a timer with a percentiles histogram, tags {@code kind}
 * = PERSISTENT | POOLED | SHARED | NONE — NONE when refused before its pool was read — and {@code outcome} = CONNECTED
 * (a new session), RESUMED (the user's live session), REFUSED (a problem answer), ERROR (anything else)) and
 * {@code deskport.connect.refusals} (a counter, tag {@code reason}: every {@link Reason}).
 */
final class ConnectMeters {

    static final String CONNECT = "deskport.connect";
    static final String REFUSALS = "deskport.connect.refusals";
    static final String NO_KIND = "NONE";

    enum Outcome { CONNECTED, RESUMED, REFUSED, ERROR }

    private final Map<PoolKind, Map<Outcome, Timer>> timers = new EnumMap<>(PoolKind.class);
    private final Map<Outcome, Timer> noKind = new EnumMap<>(Outcome.class);
    private final Map<Reason, Counter> refusals = new EnumMap<>(Reason.class);

    ConnectMeters(MeterRegistry registry) {
        for (PoolKind kind : PoolKind.values()) {
            Map<Outcome, Timer> byOutcome = new EnumMap<>(Outcome.class);
            for (Outcome outcome : Outcome.values()) {
                byOutcome.put(outcome, timer(registry, kind.name(), outcome));
            }
            timers.put(kind, byOutcome);
        }
        // only refusals and errors can come before the pool is read
        noKind.put(Outcome.REFUSED, timer(registry, NO_KIND, Outcome.REFUSED));
        noKind.put(Outcome.ERROR, timer(registry, NO_KIND, Outcome.ERROR));
        for (Reason reason : Reason.values()) {
            refusals.put(reason, Counter.builder(REFUSALS).description("Connects refused, by the problem's reason")
                    .tag("reason", reason.name()).register(registry));
        }
    }

    private static Timer timer(MeterRegistry registry, String kind, Outcome outcome) {
        // buckets from 1 ms to 30 s: a connect is milliseconds, an overloaded one waits seconds for admission
        return Timer.builder(CONNECT).description("Connect requests: from the call to the answer")
                .tag("kind", kind).tag("outcome", outcome.name())
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    void connected(PoolKind kind, boolean resumed, long nanos) {
        timers.get(kind).get(resumed ? Outcome.RESUMED : Outcome.CONNECTED).record(nanos, TimeUnit.NANOSECONDS);
    }

    void refused(PoolKind kind, Reason reason, long nanos) {
        timer(kind, Outcome.REFUSED).record(nanos, TimeUnit.NANOSECONDS);
        refusals.get(reason).increment();
    }

    void failed(PoolKind kind, long nanos) {
        timer(kind, Outcome.ERROR).record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer timer(PoolKind kind, Outcome outcome) {
        return kind == null ? noKind.get(outcome) : timers.get(kind).get(outcome);
    }
}
