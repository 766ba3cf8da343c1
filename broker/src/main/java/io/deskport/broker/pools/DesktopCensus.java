package io.deskport.broker.pools;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A tenant's pools with their desktops counted per state, for the admin console's dashboard: one aggregate over the
 * tenant's desktops, however many there are.
 */
@Service
public class DesktopCensus {

    private final JdbcClient jdbc;

    DesktopCensus(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A pool and its desktops.
     *
     * @param byState desktops per state (every state, zero included)
     * @param readyFree desktops READY and assigned to nobody: what a connect of a new user can claim now
     */
    public record PoolDesktops(UUID poolId, String name, PoolKind kind, boolean enabled, Map<DesktopState, Integer> byState,
                               int readyFree) {

        public PoolDesktops {
            byState = java.util.Collections.unmodifiableMap(new EnumMap<>(byState));
        }

        /** All the pool's desktops. */
        public int total() {
            return byState.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** Every pool of the tenant, by name, with its desktops per state (SHARED pools have none). */
    @Transactional(readOnly = true)
    public List<PoolDesktops> of(UUID tenantId) {
        record Row(UUID id, String name, PoolKind kind, boolean enabled, String state, int count, int free) {
        }
        List<Row> rows = jdbc.sql("select p.id, p.name, p.kind, p.enabled, d.state, count(d.id), "
                        + "count(d.id) filter (where d.state = 'READY' and d.assigned_user_id is null) "
                        + "from desktop_pool p left join desktop d on d.pool_id = p.id and d.tenant_id = p.tenant_id "
                        + "where p.tenant_id = ? group by p.id, p.name, p.kind, p.enabled, d.state order by p.name, p.id")
                .param(tenantId)
                .query((rs, n) -> new Row(rs.getObject(1, UUID.class), rs.getString(2), PoolKind.valueOf(rs.getString(3)),
                        rs.getBoolean(4), rs.getString(5), rs.getInt(6), rs.getInt(7)))
                .list();
        Map<UUID, Row> pools = new LinkedHashMap<>();
        Map<UUID, EnumMap<DesktopState, Integer>> states = new LinkedHashMap<>();
        Map<UUID, Integer> free = new LinkedHashMap<>();
        for (Row r : rows) {
            pools.putIfAbsent(r.id(), r);
            EnumMap<DesktopState, Integer> byState = states.computeIfAbsent(r.id(), k -> {
                EnumMap<DesktopState, Integer> m = new EnumMap<>(DesktopState.class);
                for (DesktopState s : DesktopState.values()) {
                    m.put(s, 0);
                }
                return m;
            });
            if (r.state() != null) {
                byState.put(DesktopState.valueOf(r.state()), r.count());
            }
            free.merge(r.id(), r.free(), Integer::sum);
        }
        List<PoolDesktops> result = new ArrayList<>();
        pools.forEach((id, r) -> result.add(new PoolDesktops(id, r.name(), r.kind(), r.enabled(), states.get(id),
                free.get(id))));
        return result;
    }
}
