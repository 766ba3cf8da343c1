package io.deskport.broker.hosts;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.ConsoleNetworks;
import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;

/**
 * Powers agent session hosts off and wakes them: the broker's half of stopping empty hosts off-peak (#24).
 *
 * <p><b>Off.</b> A host that is drained, has no session and whose agent has a power-off command is sent a
 * {@code POWER_OFF} command (recorded as the host's {@code power_action} in the same transaction). Before it runs its
 * command the agent asks once more ({@link #agentPoweringOff}): the broker agrees only while the host is still
 * drained, empty and asked to power off — one conditional update, so a session can never be placed on a host that
 * is going down (placement takes only AVAILABLE hosts that are not draining). The host is then {@code POWERED_OFF}:
 * not placeable, not UNREACHABLE (no alarm, no sessions ended). An agent that went silent without telling (its report
 * lost) is taken as powered off by the monitor; one that is still heartbeating after
 * {@link HostsProperties#powerOffTimeout()} did not power off, and that is said ({@code power_detail}, audit).
 *
 * <p><b>On.</b> Waking sends a Wake-on-LAN magic packet (6 × {@code FF}, then the card's MAC 16 times, UDP) to the
 * host's wake address (by default the local broadcast, port 9), again every {@link HostsProperties#wakeTimeout()} up
 * to {@link HostsProperties#wakeAttempts()} times; the host is back when its agent's first heartbeat arrives (it is
 * AVAILABLE again, still drained: whoever woke it resumes it). A host that does not answer is reported, not retried
 * for ever.
 *
 * <p>Who decides: an admin ({@code POST /session-hosts/{id}/power-off}, {@code /wake}), and provisioning's off-peak
 * consolidation for the hosts whose admin allowed it ({@code power_managed}).
 */
@Service
public class SessionHostPower {

    private static final Logger log = LoggerFactory.getLogger(SessionHostPower.class);
    /** A MAC as stored: six lower-case hex pairs separated by colons. */
    static final Pattern MAC = Pattern.compile("^[0-9a-f]{2}(:[0-9a-f]{2}){5}$");
    /** Where magic packets go when the admin names no address: the local broadcast, the discard port. */
    static final String DEFAULT_WAKE_ADDRESS = "255.255.255.255:9";
    /** The local network's broadcast address: allowed as a wake address whatever the console networks. */
    static final String LIMITED_BROADCAST = "255.255.255.255";

    private final JdbcClient jdbc;
    private final SessionHosts hosts;
    private final AgentCommands commands;
    private final HostsProperties properties;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate tx;
    private final ConsoleNetworks consoleNetworks;

    SessionHostPower(JdbcClient jdbc, SessionHosts hosts, AgentCommands commands, HostsProperties properties,
                     ApplicationEventPublisher events, PlatformTransactionManager transactions,
                     ConsoleNetworks consoleNetworks) {
        this.consoleNetworks = consoleNetworks;
        this.jdbc = jdbc;
        this.hosts = hosts;
        this.commands = commands;
        this.properties = properties;
        this.events = events;
        this.tx = new TransactionTemplate(transactions);
    }

    /**
     * The admin's power settings of a host.
     *
     * @param managed the broker may power the host off and wake it by itself (off-peak consolidation)
     * @param wakeMac the card to wake, when the agent's own report is not the right one (null: the agent's)
     * @param wakeAddress {@code host} or {@code host:port} the magic packet is sent to (null: {@value #DEFAULT_WAKE_ADDRESS});
     *        in the networks the platform allows for consoles ({@code deskport.consoles.allowed-networks}), or the
     *        local broadcast
     */
    public record Settings(boolean managed, String wakeMac, String wakeAddress) {
    }

    /**
     * Sets a host's power settings.
     *
     * @throws ProblemException INVALID_STATE for a host without an agent; VALIDATION_FAILED for a bad MAC or address,
     *         or an address outside the console networks
     */
    @Transactional
    public SessionHost configure(AdminContext ctx, UUID id, Settings s) {
        SessionHost host = hosts.get(ctx.tenantId(), id);
        if (host.agent() == null) {
            throw new ProblemException(Reason.INVALID_STATE, "A host registered by its console address has no agent to "
                    + "power it off; enrol an agent on it first", Map.of("hostId", id));
        }
        String mac = s.wakeMac() == null || s.wakeMac().isBlank() ? null : normalMac(s.wakeMac());
        if (s.wakeMac() != null && !s.wakeMac().isBlank() && mac == null) {
            throw ProblemException.validation("wakeMac", "is not a MAC address (six hex pairs, e.g. 52:54:00:12:34:56)");
        }
        String address = s.wakeAddress() == null || s.wakeAddress().isBlank() ? null : s.wakeAddress().strip();
        InetSocketTarget target = address == null ? null : parseAddress(address);
        if (address != null && target == null) {
            throw ProblemException.validation("wakeAddress", "is not host or host:port (port 1–65535)");
        }
        if (target != null && !LIMITED_BROADCAST.equals(target.host())) {
            // a tenant's admin makes the broker send packets there: only into the networks of the platform's consoles
            consoleNetworks.require("wakeAddress", target.host());
        }
        jdbc.sql("update session_host set power_managed = ?, wake_mac = ?, wake_address = ? where tenant_id = ? and id = ?")
                .params(s.managed(), mac, address, ctx.tenantId(), id).update();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", host.name());
        details.put("managed", s.managed());
        details.put("wakeMac", mac);
        details.put("wakeAddress", address);
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "SESSION_HOST_POWER_SETTINGS",
                "SESSION_HOST", id.toString(), details));
        return hosts.get(ctx.tenantId(), id);
    }

    /**
     * Tells the host's agent to power the machine off.
     *
     * @throws ProblemException INVALID_STATE unless the host is an AVAILABLE agent host with a power-off command,
     *         drained and not already changing power; IN_USE while sessions live on it
     */
    @Transactional
    public SessionHost powerOff(AdminContext ctx, UUID id, String why) {
        SessionHost host = hosts.get(ctx.tenantId(), id);
        SessionHost.Power p = host.power();
        if (host.agent() == null || !p.canPowerOff()) {
            throw new ProblemException(Reason.INVALID_STATE, host.agent() == null
                    ? "A host registered by its console address has no agent to power it off"
                    : "The host's agent has no power-off command (power.off-command in its configuration)",
                    Map.of("hostId", id));
        }
        if (host.state() != SessionHostState.AVAILABLE || p.action() != null) {
            throw new ProblemException(Reason.INVALID_STATE, "Only a reachable host that is not already powering off "
                    + "or waking can be powered off", figures(host));
        }
        if (!host.draining()) {
            throw new ProblemException(Reason.INVALID_STATE, "Drain the host first: a host that takes new sessions is "
                    + "not powered off", figures(host));
        }
        if (host.activeSessions() > 0) {
            throw new ProblemException(Reason.IN_USE, "The host has " + host.activeSessions() + " live sessions; it "
                    + "is powered off once they have ended", figures(host));
        }
        int updated = jdbc.sql("update session_host set power_action = 'POWER_OFF', power_action_at = now(), "
                        + "power_attempts = 1, power_detail = null where tenant_id = ? and id = ? and state = 'AVAILABLE' "
                        + "and draining and active_sessions = 0 and power_action is null")
                .params(ctx.tenantId(), id).update();
        if (updated == 0) {
            throw new ProblemException(Reason.CONFLICT, "The host changed meanwhile; look again", Map.of("hostId", id));
        }
        commands.enqueue(ctx.tenantId(), id, null, AgentCommands.Kind.POWER_OFF, Map.of("why", why));
        log.info("Session host {} ({}) is told to power off: {}", host.name(), id, why);
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "SESSION_HOST_POWERING_OFF",
                "SESSION_HOST", id.toString(), Map.of("name", host.name(), "why", why)));
        return hosts.get(ctx.tenantId(), id);
    }

    /**
     * Wakes a powered-off host with a Wake-on-LAN magic packet (again every {@link HostsProperties#wakeTimeout()},
     * {@link HostsProperties#wakeAttempts()} times in all). Waking a host already being woken sends nothing more.
     *
     * @throws ProblemException INVALID_STATE unless the host is POWERED_OFF and its card's MAC is known
     */
    public SessionHost wake(AdminContext ctx, UUID id, String why) {
        Target target = tx.execute(status -> {
            SessionHost host = hosts.get(ctx.tenantId(), id);
            SessionHost.Power p = host.power();
            if (host.state() != SessionHostState.POWERED_OFF) {
                throw new ProblemException(Reason.INVALID_STATE, "Only a powered-off host can be woken", figures(host));
            }
            if (p.mac() == null) {
                throw new ProblemException(Reason.INVALID_STATE, "The host's network card is not known: its agent "
                        + "reported no MAC address; set wakeMac in its power settings", Map.of("hostId", id));
            }
            if ("WAKE".equals(p.action())) {
                return null;
            }
            jdbc.sql("update session_host set power_action = 'WAKE', power_action_at = now(), power_attempts = 1, "
                    + "power_detail = null where id = ? and state = 'POWERED_OFF'").param(id).update();
            events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "SESSION_HOST_WAKING",
                    "SESSION_HOST", id.toString(), Map.of("name", host.name(), "why", why, "mac", p.mac())));
            return new Target(id, host.name(), p.mac(), p.wakeAddress());
        });
        if (target != null) {
            send(target, 1);
        }
        return hosts.get(ctx.tenantId(), id);
    }

    /** Where a magic packet goes. */
    record Target(UUID hostId, String name, String mac, String address) {
    }

    /**
     * The agent is about to run its power-off command: agreed only while the host is still asked to power off, drained
     * and empty; it is then POWERED_OFF.
     *
     * @return whether the agent may go ahead
     */
    @Transactional
    boolean agentPoweringOff(AgentPrincipal agent) {
        List<String> names = jdbc.sql("update session_host set state = 'POWERED_OFF', state_changed_at = now(), "
                        + "power_action = null, power_action_at = null, power_attempts = 0, power_detail = null "
                        + "where id = ? and state = 'AVAILABLE' and power_action = 'POWER_OFF' and draining "
                        + "and active_sessions = 0 returning name")
                .param(agent.hostId()).query(String.class).list();
        if (names.isEmpty()) {
            log.info("Session host {} asked to power off, but is no longer to (resumed, a session, or not asked)",
                    agent.hostId());
            return false;
        }
        poweredOff(agent.tenantId(), agent.hostId(), names.getFirst(), "its agent is running its power-off command");
        return true;
    }

    /** The agent could not or would not power off: the request is over, and why is kept. */
    @Transactional
    void agentRefused(AgentPrincipal agent, String detail) {
        String why = detail == null || detail.isBlank() ? "the agent refused without saying why" : detail;
        // asked and refused at once, or agreed but the machine stayed up (it heartbeats again right after this)
        List<String> names = jdbc.sql("update session_host set power_action = null, power_action_at = null, "
                        + "power_detail = ?, state_changed_at = case when state = 'POWERED_OFF' then now() "
                        + "else state_changed_at end, state = case when state = 'POWERED_OFF' then 'AVAILABLE' "
                        + "else state end where id = ? and (power_action = 'POWER_OFF' or state = 'POWERED_OFF') "
                        + "returning name")
                .params(why, agent.hostId()).query(String.class).list();
        if (!names.isEmpty()) {
            log.warn("Session host {} ({}) did not power off: {}", names.getFirst(), agent.hostId(), why);
            events.publishEvent(new AdminActionPerformed(agent.tenantId(), CurrentUser.SYSTEM,
                    "SESSION_HOST_POWER_OFF_FAILED", "SESSION_HOST", agent.hostId().toString(),
                    Map.of("name", names.getFirst(), "detail", why)));
        }
    }

    /** A heartbeat of a host that was powered off: it is up again, and whatever was asked of its power is over. */
    void cameBack(UUID tenantId, UUID hostId, String name, String action) {
        jdbc.sql("update session_host set power_action = null, power_action_at = null, power_attempts = 0, "
                + "power_detail = null where id = ?").param(hostId).update();
        // a power-off the agent did not acknowledge before going down must not be delivered again now
        commands.cancel(hostId, AgentCommands.Kind.POWER_OFF);
        log.info("Session host {} ({}) is up again{}", name, hostId, "WAKE".equals(action) ? " (woken)" : "");
        events.publishEvent(new AdminActionPerformed(tenantId, CurrentUser.SYSTEM, "SESSION_HOST_POWERED_ON",
                "SESSION_HOST", hostId.toString(), Map.of("name", name, "woken", "WAKE".equals(action))));
    }

    private void poweredOff(UUID tenantId, UUID hostId, String name, String how) {
        log.info("Session host {} ({}) is powered off: {}", name, hostId, how);
        events.publishEvent(new AdminActionPerformed(tenantId, CurrentUser.SYSTEM, "SESSION_HOST_POWERED_OFF",
                "SESSION_HOST", hostId.toString(), Map.of("name", name, "how", how)));
    }

    /**
     * The monitor's part, every few seconds on every broker (each change one conditional update, so replicas never act
     * twice): silent hosts asked to power off are powered off; hosts still heartbeating long after are not; wakes
     * without an answer are sent again, or given up.
     */
    void watch() {
        record Row(UUID id, UUID tenantId, String name, String mac, String address, int attempts) {
        }
        double silence = properties.heartbeatTimeout().toMillis() / 1000.0;
        tx.executeWithoutResult(status -> jdbc.sql("update session_host set state = 'POWERED_OFF', "
                        + "state_changed_at = now(), power_action = null, power_action_at = null, power_attempts = 0 "
                        + "where agent_managed and state = 'AVAILABLE' and power_action = 'POWER_OFF' and active_sessions = 0 "
                        + "and last_heartbeat_at < now() - make_interval(secs => ?) returning id, tenant_id, name")
                .param(silence)
                .query((rs, n) -> new Row(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3),
                        null, null, 0))
                .list()
                .forEach(r -> poweredOff(r.tenantId(), r.id(), r.name(), "it stopped heartbeating after its power-off "
                        + "command")));
        double offTimeout = properties.powerOffTimeout().toMillis() / 1000.0;
        tx.executeWithoutResult(status -> jdbc.sql("update session_host set power_action = null, power_action_at = null, "
                        + "power_detail = ? where power_action = 'POWER_OFF' and state = 'AVAILABLE' "
                        + "and power_action_at < now() - make_interval(secs => ?) returning id, tenant_id, name")
                .params("still running " + words(properties.powerOffTimeout()) + " after the power-off command", offTimeout)
                .query((rs, n) -> new Row(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3),
                        null, null, 0))
                .list()
                .forEach(r -> {
                    commands.cancel(r.id(), AgentCommands.Kind.POWER_OFF);
                    log.warn("Session host {} ({}) did not power off within {}", r.name(), r.id(),
                            words(properties.powerOffTimeout()));
                    events.publishEvent(new AdminActionPerformed(r.tenantId(), CurrentUser.SYSTEM,
                            "SESSION_HOST_POWER_OFF_FAILED", "SESSION_HOST", r.id().toString(),
                            Map.of("name", r.name(), "detail", "still running " + words(properties.powerOffTimeout())
                                    + " after the power-off command")));
                }));
        double wakeTimeout = properties.wakeTimeout().toMillis() / 1000.0;
        List<Row> again = tx.execute(status -> jdbc.sql("update session_host set power_attempts = power_attempts + 1, "
                        + "power_action_at = now() where power_action = 'WAKE' and state = 'POWERED_OFF' "
                        + "and power_attempts < ? and power_action_at < now() - make_interval(secs => ?) "
                        + "returning id, tenant_id, name, coalesce(wake_mac, agent_mac), wake_address, power_attempts")
                .params(properties.wakeAttempts(), wakeTimeout)
                .query((rs, n) -> new Row(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getInt(6)))
                .list());
        for (Row r : again) {
            send(new Target(r.id(), r.name(), r.mac(), r.address()), r.attempts());
        }
        String gaveUp = "did not wake after " + properties.wakeAttempts() + " magic packets, "
                + words(properties.wakeTimeout()) + " apart";
        tx.executeWithoutResult(status -> jdbc.sql("update session_host set power_action = null, power_action_at = null, "
                        + "power_detail = ? where power_action = 'WAKE' and state = 'POWERED_OFF' and power_attempts >= ? "
                        + "and power_action_at < now() - make_interval(secs => ?) returning id, tenant_id, name")
                .params(gaveUp, properties.wakeAttempts(), wakeTimeout)
                .query((rs, n) -> new Row(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3),
                        null, null, 0))
                .list()
                .forEach(r -> {
                    log.warn("Session host {} ({}) {}", r.name(), r.id(), gaveUp);
                    events.publishEvent(new AdminActionPerformed(r.tenantId(), CurrentUser.SYSTEM,
                            "SESSION_HOST_WAKE_FAILED", "SESSION_HOST", r.id().toString(),
                            Map.of("name", r.name(), "detail", gaveUp)));
                }));
    }

    /** Sends one magic packet; a failure to send is logged (the next attempt or the give-up says the rest). */
    private void send(Target t, int attempt) {
        InetSocketTarget to = parseAddress(t.address() == null ? DEFAULT_WAKE_ADDRESS : t.address());
        byte[] packet = magicPacket(t.mac());
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setBroadcast(true);
            socket.send(new DatagramPacket(packet, packet.length, InetAddress.getByName(to.host()), to.port()));
            log.info("Wake-on-LAN magic packet {} of {} for session host {} ({}) sent to {}:{} for {}", attempt,
                    properties.wakeAttempts(), t.name(), t.hostId(), to.host(), to.port(), t.mac());
        } catch (IOException | RuntimeException e) {
            log.warn("Could not send the Wake-on-LAN packet for session host {} ({}) to {}:{}: {}", t.name(), t.hostId(),
                    to.host(), to.port(), e.toString());
        }
    }

    /** Six bytes of {@code FF}, then the six bytes of the MAC sixteen times: 102 bytes. */
    static byte[] magicPacket(String mac) {
        byte[] address = HexFormat.ofDelimiter(":").parseHex(mac);
        byte[] packet = new byte[6 + 16 * 6];
        java.util.Arrays.fill(packet, 0, 6, (byte) 0xff);
        for (int i = 0; i < 16; i++) {
            System.arraycopy(address, 0, packet, 6 + i * 6, 6);
        }
        return packet;
    }

    /** A MAC in the stored form (lower case, colons), or null when it is not one; dashes are accepted. */
    static String normalMac(String mac) {
        if (mac == null) {
            return null;
        }
        String m = mac.strip().toLowerCase(Locale.ROOT).replace('-', ':');
        return MAC.matcher(m).matches() ? m : null;
    }

    record InetSocketTarget(String host, int port) {
    }

    /** {@code host}, {@code host:port} or {@code [v6]:port}; null when it is none of them. */
    static InetSocketTarget parseAddress(String address) {
        String a = address.strip();
        if (a.isEmpty() || a.length() > 300 || a.chars().anyMatch(c -> c <= ' ')) {
            return null;
        }
        String host = a;
        int port = 9;
        if (a.startsWith("[")) {
            int end = a.indexOf(']');
            if (end < 0) {
                return null;
            }
            host = a.substring(1, end);
            String rest = a.substring(end + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return null;
                }
                port = port(rest.substring(1));
            }
        } else if (a.indexOf(':') >= 0 && a.indexOf(':') == a.lastIndexOf(':')) {
            host = a.substring(0, a.indexOf(':'));
            port = port(a.substring(a.indexOf(':') + 1));
        }
        return host.isEmpty() || port < 1 ? null : new InetSocketTarget(host, port);
    }

    private static int port(String s) {
        try {
            int p = Integer.parseInt(s);
            return p >= 1 && p <= 65535 ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A duration as people write it: 5 s, 3 min, 1 h 30 min. */
    static String words(java.time.Duration d) {
        if (d.toSeconds() < 60) {
            return d.toSeconds() + " s";
        }
        long minutes = d.toMinutes();
        return minutes < 60 ? minutes + " min" : minutes / 60 + " h" + (minutes % 60 == 0 ? "" : " " + minutes % 60 + " min");
    }

    private static Map<String, Object> figures(SessionHost host) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("hostId", host.id());
        f.put("state", host.state());
        f.put("draining", host.draining());
        f.put("activeSessions", host.activeSessions());
        f.put("powerAction", host.power().action());
        return f;
    }
}
