package io.deskport.broker.tunnel;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;


import org.apache.guacamole.protocol.GuacamoleStatus;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.deskport.broker.brokering.EndReason;
import io.deskport.broker.brokering.SessionState;
import io.deskport.broker.brokering.SessionStateChanged;
import io.deskport.broker.shared.CallerTransaction;
import io.deskport.broker.shared.DedicatedConnections;

/**
 * The tunnels open on this broker, users' and shadows', and the signals between brokers about them, through
 * PostgreSQL {@code NOTIFY}:
 * <ul>
 * <li>a session that is disconnected or ended, or whose client attached again elsewhere, has its other tunnels
 * closed on every replica (sent with the commit of the change) — and with them every shadow watching a tunnel
 * that closes: a shadow never outlives what it watches;</li>
 * <li>a shadow that starts or ends is announced to the user's tunnel, on whichever replica serves it
 * ({@link ShadowNotice}), for pools that say so.</li>
 * </ul>
 */
@Component
class LiveTunnels implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LiveTunnels.class);
    static final String CHANNEL = "deskport_tunnels";
    static final String SHADOW_CHANNEL = "deskport_shadows";

    private final Map<UUID, Set<TunnelEndpoint>> bySession = new ConcurrentHashMap<>();
    private final Map<UUID, Set<ShadowEndpoint>> shadowsBySession = new ConcurrentHashMap<>();
    private final JdbcClient jdbc;
    private final DedicatedConnections connections;
    private final SignedTunnelTickets tickets;
    private volatile boolean running;
    private Thread listener;

    LiveTunnels(JdbcClient jdbc, DedicatedConnections connections, SignedTunnelTickets tickets) {
        this.jdbc = jdbc;
        this.connections = connections;
        this.tickets = tickets;
    }

    void register(UUID sessionId, TunnelEndpoint tunnel) {
        bySession.computeIfAbsent(sessionId, k -> ConcurrentHashMap.newKeySet()).add(tunnel);
    }

    void unregister(UUID sessionId, TunnelEndpoint tunnel) {
        bySession.computeIfPresent(sessionId, (k, set) -> {
            set.remove(tunnel);
            return set.isEmpty() ? null : set;
        });
    }

    int count() {
        return bySession.values().stream().mapToInt(Set::size).sum();
    }

    void registerShadow(UUID sessionId, ShadowEndpoint shadow) {
        shadowsBySession.computeIfAbsent(sessionId, k -> ConcurrentHashMap.newKeySet()).add(shadow);
    }

    void unregisterShadow(UUID sessionId, ShadowEndpoint shadow) {
        shadowsBySession.computeIfPresent(sessionId, (k, set) -> {
            set.remove(shadow);
            return set.isEmpty() ? null : set;
        });
    }

    /** @return whether the session's client is attached through {@code tunnelId} on this broker */
    boolean attachedHere(UUID sessionId, UUID tunnelId) {
        Set<TunnelEndpoint> tunnels = bySession.get(sessionId);
        return tunnels != null && tunnels.stream().anyMatch(t -> t.tunnelId().equals(tunnelId.toString()));
    }

    /** A user's tunnel closed on this broker: the shadows here that watch it close now. */
    void tunnelClosed(UUID sessionId, String tunnelId) {
        closeShadows(sessionId, s -> s.watchedTunnel().equals(tunnelId), GuacamoleStatus.SESSION_CLOSED);
    }

    /**
     * Tells the user's browser, through whichever broker serves the session's tunnel {@code tunnelId}, that a
     * shadow started or ended.
     */
    void announceShadow(UUID sessionId, UUID tunnelId, ShadowNotice notice) {
        jdbc.sql("select pg_notify(?, ?)").params(SHADOW_CHANNEL, sessionId + " " + tunnelId + " " + notice.encode())
                .query(Object.class).single();
    }

    /** Tells every broker that the session's client is now attached through {@code tunnelId} only. */
    void announceTakeover(UUID sessionId, UUID tunnelId) {
        jdbc.sql("select pg_notify(?, ?)").params(CHANNEL, sessionId + " " + tunnelId + " "
                + GuacamoleStatus.SESSION_CONFLICT.name()).query(Object.class).single();
    }

    /** A session left the attached states: its tunnels close everywhere once the change commits. */
    @EventListener
    void on(SessionStateChanged e) {
        CallerTransaction.require();
        if (e.to() != SessionState.DISCONNECTED && e.to() != SessionState.ENDED) {
            return;
        }
        GuacamoleStatus status = e.endReason() == EndReason.IDLE_TIMEOUT || e.endReason() == EndReason.DISCONNECT_TIMEOUT
                || e.endReason() == EndReason.MAX_SESSION_LENGTH ? GuacamoleStatus.SESSION_TIMEOUT
                : GuacamoleStatus.SESSION_CLOSED;
        jdbc.sql("select pg_notify(?, ?)").params(CHANNEL, e.sessionId() + " - " + status.name())
                .query(Object.class).single();
    }

    private void closeLocal(UUID sessionId, String keepTunnel, GuacamoleStatus status) {
        closeShadows(sessionId, s -> !s.watchedTunnel().equals(keepTunnel), status);
        Set<TunnelEndpoint> tunnels = bySession.get(sessionId);
        if (tunnels == null) {
            return;
        }
        for (TunnelEndpoint t : Set.copyOf(tunnels)) {
            if (!t.tunnelId().equals(keepTunnel)) {
                log.info("Closing tunnel {} of session {} ({})", t.tunnelId(), sessionId, status);
                t.closeFromBroker(status);
            }
        }
    }

    private void closeShadows(UUID sessionId, Predicate<ShadowEndpoint> which, GuacamoleStatus status) {
        Set<ShadowEndpoint> shadows = shadowsBySession.get(sessionId);
        if (shadows == null) {
            return;
        }
        for (ShadowEndpoint s : Set.copyOf(shadows)) {
            if (which.test(s)) {
                log.info("Closing shadow {} of session {}: the tunnel it watches closed ({})", s.shadowId(), sessionId, status);
                s.closeFromBroker(status);
            }
        }
    }

    private void showNotice(UUID sessionId, String tunnelId, ShadowNotice notice) {
        Set<TunnelEndpoint> tunnels = bySession.get(sessionId);
        if (tunnels == null) {
            return;
        }
        for (TunnelEndpoint t : Set.copyOf(tunnels)) {
            if (t.tunnelId().equals(tunnelId)) {
                t.show(notice);
            }
        }
    }

    private void listen() {
        while (running) {
            // a dedicated connection: LISTEN holds it for as long as the broker runs
            try (Connection c = connections.open("tunnel notifications"); Statement st = c.createStatement()) {
                st.execute("listen " + CHANNEL);
                st.execute("listen " + SHADOW_CHANNEL);
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notes = pg.getNotifications(1000);
                    if (notes == null) {
                        continue;
                    }
                    for (PGNotification n : notes) {
                        if (SHADOW_CHANNEL.equals(n.getName())) {
                            handleShadow(n.getParameter());
                        } else {
                            handle(n.getParameter());
                        }
                    }
                }
            } catch (Exception e) {
                if (running) {
                    log.warn("Tunnel notifications interrupted ({}); listening again in 1 s", e.getMessage());
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    private void handle(String message) {
        String[] parts = message.split(" ");
        if (parts.length != 3) {
            return;
        }
        try {
            closeLocal(UUID.fromString(parts[0]), parts[1], GuacamoleStatus.valueOf(parts[2]));
        } catch (IllegalArgumentException e) {
            log.debug("Ignoring malformed tunnel notification '{}'", message);
        }
    }

    private void handleShadow(String message) {
        String[] parts = message.split(" ");
        try {
            UUID sessionId = UUID.fromString(parts[0]);
            ShadowNotice.decode(parts, 2).ifPresentOrElse(n -> showNotice(sessionId, parts[1], n),
                    () -> log.debug("Ignoring malformed shadow notification '{}'", message));
        } catch (IllegalArgumentException e) {
            log.debug("Ignoring malformed shadow notification '{}'", message);
        }
    }

    @Scheduled(fixedDelay = 60_000, initialDelay = 60_000)
    void forgetUsedTickets() {
        tickets.forgetExpired();
    }

    /** Whether this broker takes new tunnels: not once it is stopping (its browsers go to another replica). */
    boolean accepting() {
        return running;
    }

    @Override
    public void start() {
        running = true;
        listener = Thread.ofPlatform().daemon().name("tunnel-notifications").start(this::listen);
    }

    /**
     * The broker stops (SIGTERM; its readiness is already {@code REFUSING_TRAFFIC}): no new tunnel is taken, and
     * every open one is handed to another replica — its session left DISCONNECTED, resumable, and its browser told
     * {@code SERVER_BUSY}, after which the portal fetches a fresh ticket and reconnects (through the load balancer,
     * to a replica that is ready). Runs first of the broker's lifecycle beans (the highest phase): before the embedded
     * gateway stops ({@link GatewayConnector}), whose end of stream would tell the browsers something else, and before
     * the web server's graceful shutdown, which would otherwise wait for the tunnels' WebSockets until its timeout.
     */
    @Override
    public void stop() {
        running = false;
        if (listener != null) {
            listener.interrupt();
        }
        shadowsBySession.values().forEach(set -> set.forEach(s -> s.closeFromBroker(GuacamoleStatus.SERVER_BUSY)));
        int handed = 0;
        for (Set<TunnelEndpoint> set : bySession.values()) {
            for (TunnelEndpoint t : Set.copyOf(set)) {
                t.handOver();
                handed++;
            }
        }
        if (handed > 0) {
            log.info("Broker stopping: {} tunnel(s) told to reconnect through another replica", handed);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
