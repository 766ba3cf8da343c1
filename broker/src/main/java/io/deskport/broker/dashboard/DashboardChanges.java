package io.deskport.broker.dashboard;

import java.sql.Connection;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.deskport.broker.brokering.ConnectOutcomesCounted;
import io.deskport.broker.brokering.SessionStateChanged;
import io.deskport.broker.hosts.SessionHostRemoved;
import io.deskport.broker.licensing.LicenceOveruseEnded;
import io.deskport.broker.licensing.LicenceOveruseStarted;
import io.deskport.broker.pools.DesktopAdded;
import io.deskport.broker.pools.DesktopPoolRemoved;
import io.deskport.broker.pools.DesktopRemoved;
import io.deskport.broker.pools.DesktopStateChanged;
import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.AfterCommit;
import io.deskport.broker.shared.DatabaseOutages;
import io.deskport.broker.shared.DedicatedConnections;
import io.deskport.broker.tenancy.TenantQuotaChanged;

/**
 * What changes a dashboard, on this broker and on the others. The modules' events (a session or desktop changing
 * state, desktops added and removed, admin changes, the connect tally's flush, licence overuse) mark the tenant's
 * dashboard here once their transaction has committed, and are announced to the other replicas through PostgreSQL
 * {@code NOTIFY} on {@value #CHANNEL}: at most one statement every {@value #ANNOUNCE_MILLIS} ms, naming every
 * tenant changed since the last (never a statement in the change's own transaction: the connect path stays as it
 * is). A broker with open streams listens on a dedicated connection and marks the tenants it hears of; a change
 * no event tells of (an agent's heartbeat, a host's inventory) is read at the feeds' refresh interval.
 */
@Component
class DashboardChanges implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DashboardChanges.class);
    static final String CHANNEL = "deskport_dashboard";
    static final long ANNOUNCE_MILLIS = 500;
    /** A NOTIFY payload stays under PostgreSQL's 8000 bytes. */
    private static final int MAX_PAYLOAD = 7600;
    private static final String EVERY_TENANT = "*";
    /** A listening connection is closed when no stream has been open for this long. */
    private static final long LINGER_MILLIS = 60_000;

    private final String broker = UUID.randomUUID().toString();
    private final Set<String> toAnnounce = ConcurrentHashMap.newKeySet();
    private final DashboardFeeds feeds;
    private final JdbcClient jdbc;
    private final DedicatedConnections connections;
    private volatile boolean running;
    private Thread listener;

    DashboardChanges(DashboardFeeds feeds, JdbcClient jdbc, DedicatedConnections connections) {
        this.feeds = feeds;
        this.jdbc = jdbc;
        this.connections = connections;
    }

    @EventListener
    void on(SessionStateChanged e) {
        AfterCommit.run(() -> changed(e.tenantId()));
    }

    @EventListener
    void on(DesktopStateChanged e) {
        AfterCommit.run(() -> changed(e.tenantId()));
    }

    @EventListener
    void on(DesktopAdded e) {
        AfterCommit.run(() -> changed(e.tenantId()));
    }

    @EventListener
    void on(DesktopRemoved e) {
        AfterCommit.run(() -> changed(e.tenantId()));
    }

    @EventListener
    void on(DesktopPoolRemoved e) {
        AfterCommit.run(() -> changed(e.tenantId()));
    }

    @EventListener
    void on(SessionHostRemoved e) {
        AfterCommit.run(() -> changed(e.tenantId()));
    }

    /** Pools, hosts, licences, provisioning settings…; a platform object (a hypervisor host) concerns every tenant. */
    @EventListener
    void on(AdminActionPerformed e) {
        AfterCommit.run(() -> changed(e.tenantId()));
    }

    @EventListener
    void on(TenantQuotaChanged e) {
        AfterCommit.run(() -> changed(e.tenantId()));
    }

    @EventListener
    void on(LicenceOveruseStarted e) {
        AfterCommit.run(() -> changed(e.tenantId()));
    }

    @EventListener
    void on(LicenceOveruseEnded e) {
        AfterCommit.run(() -> changed(e.tenantId()));
    }

    /** Published after the tally's write committed. */
    @EventListener
    void on(ConnectOutcomesCounted e) {
        e.tenantIds().forEach(this::changed);
    }

    /** A change of the tenant's (null: of every tenant's) committed on this broker. */
    void changed(UUID tenantId) {
        feeds.changed(tenantId);
        toAnnounce.add(tenantId == null ? EVERY_TENANT : tenantId.toString());
    }

    /** Tells the other brokers which tenants changed here since the last announcement. */
    @Scheduled(fixedDelay = ANNOUNCE_MILLIS, initialDelay = ANNOUNCE_MILLIS)
    void announce() {
        if (toAnnounce.isEmpty()) {
            return;
        }
        Set<String> tenants = new HashSet<>();
        for (String t : toAnnounce) {
            if (toAnnounce.remove(t)) {
                tenants.add(t);
            }
        }
        if (tenants.contains(EVERY_TENANT)) {
            tenants = Set.of(EVERY_TENANT);
        }
        StringBuilder payload = new StringBuilder(broker);
        try {
            for (String t : tenants) {
                if (payload.length() + 1 + t.length() > MAX_PAYLOAD) {
                    notify(payload.toString());
                    payload = new StringBuilder(broker);
                }
                payload.append(' ').append(t);
            }
            notify(payload.toString());
        } catch (RuntimeException e) {
            // the others read it at their refresh interval
            log.warn("Could not announce dashboard changes to the other brokers ({})", DatabaseOutages.rootMessage(e));
        }
    }

    private void notify(String payload) {
        jdbc.sql("select pg_notify(?, ?)").params(CHANNEL, payload).query(Object.class).single();
    }

    private void handle(String payload) {
        String[] parts = payload.split(" ");
        if (parts.length < 2 || parts[0].equals(broker)) {
            return; // this broker's own announcement: its feeds were marked already
        }
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].equals(EVERY_TENANT)) {
                feeds.changed(null);
                return;
            }
            try {
                feeds.changed(UUID.fromString(parts[i]));
            } catch (IllegalArgumentException e) {
                log.debug("Ignoring a malformed dashboard notification '{}'", parts[i]);
            }
        }
    }

    private void listen() {
        long idleSince = System.currentTimeMillis();
        while (running) {
            if (!feeds.anySubscribers()) {
                pause(250);
                continue;
            }
            try (Connection c = connections.open("dashboard notifications"); Statement st = c.createStatement()) {
                st.execute("listen " + CHANNEL);
                // whatever changed elsewhere before this LISTEN is read once now
                feeds.changed(null);
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notes = pg.getNotifications(500);
                    if (notes != null) {
                        for (PGNotification n : notes) {
                            handle(n.getParameter());
                        }
                    }
                    if (feeds.anySubscribers()) {
                        idleSince = System.currentTimeMillis();
                    } else if (System.currentTimeMillis() - idleSince > LINGER_MILLIS) {
                        break;
                    }
                }
            } catch (Exception e) {
                if (running) {
                    log.warn("Dashboard notifications interrupted ({}); listening again in 1 s", e.getMessage());
                    pause(1000);
                }
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void start() {
        running = true;
        listener = Thread.ofPlatform().daemon().name("dashboard-notifications").start(this::listen);
    }

    @Override
    public void stop() {
        running = false;
        if (listener != null) {
            listener.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
