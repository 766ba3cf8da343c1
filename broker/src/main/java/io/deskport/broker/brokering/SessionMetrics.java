package io.deskport.broker.brokering;

import java.util.EnumMap;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.deskport.broker.shared.CachedReading;
import io.deskport.broker.shared.MetricsProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * {@code deskport.sessions} (tag {@code state}: every live state): the platform's live sessions, all tenants, from one
 * count per {@link MetricsProperties#readingInterval()} (ended sessions are not counted: they only grow).
 */
@Component
class SessionMetrics implements MeterBinder {

    static final String SESSIONS = "deskport.sessions";

    private final CachedReading<Map<SessionState, Long>> byState;

    SessionMetrics(JdbcClient jdbc, MetricsProperties props) {
        this.byState = new CachedReading<>("sessions by state", () -> {
            Map<SessionState, Long> counts = new EnumMap<>(SessionState.class);
            jdbc.sql("select state, count(*) from session where state in " + SessionState.LIVE_LIST + " group by state")
                    .query(rs -> {
                        counts.put(SessionState.valueOf(rs.getString(1)), rs.getLong(2));
                    });
            return counts;
        }, props.readingInterval(), Map.of());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (SessionState state : SessionState.values()) {
            if (state == SessionState.ENDED) {
                continue;
            }
            Gauge.builder(SESSIONS, byState, r -> r.get().getOrDefault(state, 0L))
                    .description("Live sessions of every tenant, by state").tag("state", state.name()).register(registry);
        }
    }
}
