package io.deskport.broker.brokering;

import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.pools.DesktopPool;
import io.deskport.broker.pools.DesktopPools;
import io.deskport.broker.shared.ConsoleAddress;

/**
 * What the tunnel needs to attach a client to a session (its owner, state and the console of the machine it
 * runs on), or to let an admin watch it (its current tunnel). Server-side only.
 */
@Service
public class SessionAccess {

    private final JdbcClient jdbc;
    private final SessionConsoles consoles;
    private final DesktopPools pools;

    SessionAccess(JdbcClient jdbc, SessionConsoles consoles, DesktopPools pools) {
        this.jdbc = jdbc;
        this.consoles = consoles;
        this.pools = pools;
    }

    /**
     * A session a tunnel may attach to.
     *
     * @param console null when the machine has no reachable console (yet)
     * @param recorded whether the pool records its sessions
     * @param consoleFailures failed attempts in a row to reach the desktop (see {@link ConsoleAttempts})
     * @param tunnelId the tunnel the session's client is attached through now (null unless CONNECTED through one)
     * @param announceShadowing whether the pool tells its users while someone watches their screen
     * @param clipboardToDesktop whether the pool lets the browser's clipboard reach the desktop
     * @param clipboardFromDesktop whether the pool lets the desktop's clipboard reach the browser
     */
    public record TunnelTarget(UUID sessionId, UUID tenantId, UUID userId, UUID poolId, SessionState state,
                               ConsoleAddress console, boolean recorded, int consoleFailures, UUID tunnelId,
                               boolean announceShadowing, boolean clipboardToDesktop, boolean clipboardFromDesktop) {
    }

    @Transactional(readOnly = true)
    public Optional<TunnelTarget> target(UUID sessionId) {
        record Row(UUID tenantId, UUID userId, UUID poolId, SessionState state, UUID desktopId, UUID hostId,
                   int consoleFailures, UUID tunnelId) {
        }
        return jdbc.sql("select tenant_id, user_id, pool_id, state, desktop_id, session_host_id, console_failures, "
                        + "tunnel_id from session where id = ?")
                .param(sessionId)
                .query((rs, n) -> new Row(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getObject(3, UUID.class), SessionState.valueOf(rs.getString(4)), rs.getObject(5, UUID.class),
                        rs.getObject(6, UUID.class), rs.getInt(7), rs.getObject(8, UUID.class)))
                .optional()
                .map(r -> {
                    DesktopPool pool = pools.get(r.tenantId(), r.poolId());
                    return new TunnelTarget(sessionId, r.tenantId(), r.userId(), r.poolId(), r.state(),
                            consoles.of(sessionId).orElse(null), pool.recordSessions(), r.consoleFailures(),
                            r.tunnelId(), pool.announceShadowing(),
                            pool.clipboardPolicy().allowsToDesktop(), pool.clipboardPolicy().allowsFromDesktop());
                });
    }
}
