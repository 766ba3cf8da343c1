package io.deskport.broker.brokering;

import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.shared.ConsoleAddress;
import io.deskport.broker.shared.ConsoleNetworks;

/**
 * Where a live session's desktop can be reached, for the tunnel only (server-side; never in an API
 * response): the session's own console on an agent host, else its desktop's, else its host's one
 * registered console. The address is checked against the allowed console networks again when the
 * tunnel opens: a host name may resolve elsewhere now than when it was registered.
 */
@Service
public class SessionConsoles {

    private static final Logger log = LoggerFactory.getLogger(SessionConsoles.class);

    private final JdbcClient jdbc;
    private final ConsoleNetworks networks;

    SessionConsoles(JdbcClient jdbc, ConsoleNetworks networks) {
        this.jdbc = jdbc;
        this.networks = networks;
    }

    /**
     * Where a live session's desktop is, as a tunnel whose console went away asks it: its console now, and whether the
     * desktop is being moved to another hypervisor host (a live migration, after which its console answers elsewhere).
     *
     * @param console null when the desktop has no reachable console now (or it is outside the allowed networks)
     */
    public record Whereabouts(ConsoleAddress console, boolean moving) {
    }

    /** @return where the live session's desktop is, or empty when the session is ended or unknown */
    @Transactional(readOnly = true)
    public Optional<Whereabouts> whereabouts(UUID sessionId) {
        Optional<Boolean> moving = jdbc.sql("select exists (select 1 from provisioning_desktop_moves m "
                        + "where m.desktop_id = s.desktop_id) from session s "
                        + "where s.id = ? and s.state in ('READY', 'CONNECTED', 'DISCONNECTED')")
                .param(sessionId).query(Boolean.class).optional();
        return moving.map(m -> new Whereabouts(of(sessionId).orElse(null), m));
    }

    /** @return the console of the live session, or empty when it is ended, unknown or not ready yet */
    @Transactional(readOnly = true)
    public Optional<ConsoleAddress> of(UUID sessionId) {
        return jdbc.sql("select coalesce(s.console_host, d.console_host, h.console_host), "
                        + "coalesce(s.console_port, d.console_port, h.console_port), "
                        + "case when s.console_host is not null then s.console_password "
                        + "when d.id is not null then d.console_password else h.console_password end "
                        + "from session s left join pools_desktops d on d.id = s.desktop_id "
                        + "left join hosts_session_hosts h on h.id = s.session_host_id "
                        + "where s.id = ? and s.state in ('READY', 'CONNECTED', 'DISCONNECTED')")
                .param(sessionId)
                .query((rs, n) -> new ConsoleAddress(rs.getString(1), rs.getInt(2), rs.getString(3)))
                .optional()
                .filter(c -> c.host() != null)
                .filter(c -> {
                    boolean allowed = networks.allows(c.host());
                    if (!allowed) {
                        log.warn("Session {}: console {} is outside deskport.consoles.allowed-networks; no tunnel opened",
                                sessionId, c);
                    }
                    return allowed;
                });
    }
}
