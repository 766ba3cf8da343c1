package io.deskport.broker.brokering;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A pool's arrivals: the sessions created in a period, counted per UTC 5-minute bucket. These are the rows whose
 * {@code session.created} events the usage roll-ups are made from; provisioning's demand model learns its logon
 * curve from them. One aggregate over indexed rows: the pool's ended sessions ({@code session_ended_by_pool}) and its
 * live ones.
 */
@Service
public class SessionArrivals {

    private static final String BUCKETS = "select date_bin('5 minutes', created_at, timestamptz '2000-01-01 00:00:00+00') "
            + "as bucket, count(*) as n from session where pool_id = ? and created_at >= ? and created_at < ? and ";

    private final JdbcClient jdbc;

    SessionArrivals(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * @param tenantId the pool's tenant (the count never crosses tenants)
     * @param poolId   the pool
     * @param from     the period's start (inclusive)
     * @param to       its end (exclusive)
     * @return sessions created, by the start of their UTC 5-minute bucket; buckets without any are left out
     */
    @Transactional(readOnly = true)
    public Map<Instant, Integer> per5Minutes(UUID tenantId, UUID poolId, Instant from, Instant to) {
        Map<Instant, Integer> out = new TreeMap<>();
        OffsetDateTime f = from.atOffset(ZoneOffset.UTC);
        OffsetDateTime t = to.atOffset(ZoneOffset.UTC);
        jdbc.sql("select bucket, sum(n) from (" + BUCKETS + "state = 'ENDED' and tenant_id = ? group by 1 union all "
                        + BUCKETS + "state in " + SessionState.LIVE_LIST + " and tenant_id = ? group by 1) as b group by bucket")
                .params(poolId, f, t, tenantId, poolId, f, t, tenantId)
                .query(rs -> {
                    out.merge(rs.getObject(1, OffsetDateTime.class).toInstant(), rs.getInt(2), Integer::sum);
                });
        return out;
    }
}
