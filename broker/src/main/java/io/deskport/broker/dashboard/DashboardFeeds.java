package io.deskport.broker.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.deskport.broker.identity.CallerCredentials;
import io.deskport.broker.shared.DatabaseOutages;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboards this broker streams: one feed per tenant (and view: platform admins see every tenant's use of the
 * hypervisor hosts), shared by all of that tenant's subscribers. A change marks the feed; the feed reads the
 * dashboard once, at most every {@code push-interval}, and pushes it to every subscriber if a figure differs from
 * the last one pushed (help desk gets it without the sections it may not read). Without a change it is read again
 * every {@code refresh-interval}. Every {@code heartbeat-interval} each stream gets a comment line, and each
 * subscriber's access token is checked again: a token that expired, was signed out or revoked ends its stream with
 * an {@code end} event (also checked before every push). Streams are bounded per broker (more are refused) and per
 * user (a new one ends the user's oldest).
 */
@Component
class DashboardFeeds implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DashboardFeeds.class);
    /** A failed reading is tried again after this long. */
    private static final Duration RETRY = Duration.ofSeconds(5);

    /** Whose dashboard: the tenant, and whether the hypervisor hosts show every tenant's allocation. */
    record Key(UUID tenantId, boolean platformView) {
    }

    /** One tenant's (and view's) dashboard and its subscribers. */
    private final class Feed {
        final Key key;
        final List<DashboardStream> streams = new java.util.concurrent.CopyOnWriteArrayList<>();
        // guarded by this
        DashboardSnapshot last;
        String json;
        String helpDeskJson;
        long seq;
        long lastReadNanos = System.nanoTime() - Duration.ofDays(1).toNanos();
        boolean dirty;
        boolean scheduled;
        boolean reading;

        Feed(Key key) {
            this.key = key;
        }
    }

    private final Map<Key, Feed> feeds = new ConcurrentHashMap<>();
    /** Each user's open streams, oldest first. */
    private final Map<UUID, java.util.Deque<DashboardStream>> perUser = new ConcurrentHashMap<>();
    private final AtomicInteger subscribers = new AtomicInteger();
    private final Dashboards dashboards;
    private final CallerCredentials credentials;
    private final DashboardProperties properties;
    private final JsonMapper json;
    private volatile ScheduledExecutorService timer;
    private volatile boolean running;

    DashboardFeeds(Dashboards dashboards, CallerCredentials credentials, DashboardProperties properties, JsonMapper json) {
        this.dashboards = dashboards;
        this.credentials = credentials;
        this.properties = properties;
        this.json = json;
    }

    /**
     * A new stream of the tenant's dashboard for the signed-in caller: its first event is the dashboard as it is now.
     *
     * A user's stream beyond {@code max-subscribers-per-user} ends their oldest one ({@code end} with {@code CONFLICT}).
     *
     * @throws ProblemException SERVICE_UNAVAILABLE (with Retry-After) when this broker has as many streams open as it
     *         serves
     */
    SseEmitter subscribe(Key key, Authentication signIn, UUID userId, boolean helpDesk) {
        if (!running) {
            throw unavailable("This broker is shutting down; connect again in a moment");
        }
        if (subscribers.incrementAndGet() > properties.maxSubscribers()) {
            subscribers.decrementAndGet();
            throw unavailable("This broker streams " + properties.maxSubscribers() + " dashboards already; try again "
                    + "in a moment");
        }
        // the stream ends on its own soon after the token does (the heartbeat's check ends it first, in words)
        long lifeMillis = credentials.expiresAt(signIn)
                .map(t -> Duration.between(Instant.now(), t).plus(properties.heartbeatInterval().multipliedBy(2)).toMillis())
                .orElse(properties.heartbeatInterval().toMillis());
        SseEmitter emitter = new SseEmitter(Math.max(1000, lifeMillis));
        DashboardStream stream = new DashboardStream(emitter, signIn, userId, helpDesk);
        // one user's streams beyond their share: the oldest ends (a page reloaded leaves its old stream open until the
        // next write finds it gone; a tab left open is told why it stopped)
        DashboardStream evicted = null;
        synchronized (perUser) {
            java.util.Deque<DashboardStream> mine = perUser.computeIfAbsent(userId, k -> new java.util.ArrayDeque<>());
            mine.addLast(stream);
            if (mine.size() > properties.maxSubscribersPerUser()) {
                evicted = mine.pollFirst();
            }
        }
        if (evicted != null) {
            evicted.end(endOf(Reason.CONFLICT, "This dashboard stopped: you opened it in " + properties.maxSubscribersPerUser()
                    + " other places since; reload the page to see it live here again"));
        }
        while (true) {
            Feed feed = feeds.computeIfAbsent(key, Feed::new);
            synchronized (feed) {
                if (feeds.get(key) != feed) {
                    continue; // its last stream closed meanwhile and took it away
                }
                Runnable forget = () -> forget(feed, stream);
                emitter.onCompletion(forget);
                emitter.onTimeout(forget);
                emitter.onError(e -> forget.run());
                feed.streams.add(stream);
                if (feed.last != null && !feed.dirty && !feed.reading) {
                    stream.snapshot(feed.seq, helpDesk ? feed.helpDeskJson : feed.json);
                } else {
                    request(feed);
                }
                break;
            }
        }
        log.debug("Dashboard stream of user {} for tenant {} opened ({} on this broker)", userId, key.tenantId(),
                subscribers.get());
        return emitter;
    }

    /** Whether any stream is open on this broker. */
    boolean anySubscribers() {
        return subscribers.get() > 0;
    }

    /** Something of the tenant's changed (null: of every tenant, or of the platform's hosts): read again soon. */
    void changed(UUID tenantId) {
        for (Feed feed : feeds.values()) {
            if (tenantId == null || feed.key.tenantId().equals(tenantId)) {
                synchronized (feed) {
                    request(feed);
                }
            }
        }
    }

    private void forget(Feed feed, DashboardStream stream) {
        stream.gone();
        synchronized (feed) {
            if (!feed.streams.remove(stream)) {
                return;
            }
            if (feed.streams.isEmpty()) {
                feeds.remove(feed.key, feed);
            }
        }
        subscribers.decrementAndGet();
        synchronized (perUser) {
            java.util.Deque<DashboardStream> mine = perUser.get(stream.userId);
            if (mine != null && mine.remove(stream) && mine.isEmpty()) {
                perUser.remove(stream.userId);
            }
        }
    }

    /** Marks the feed to be read; schedules the reading no sooner than a push interval after the last. Holds its lock. */
    private void request(Feed feed) {
        feed.dirty = true;
        if (feed.scheduled || feed.reading || timer == null) {
            return;
        }
        feed.scheduled = true;
        long due = feed.lastReadNanos + properties.pushInterval().toNanos() - System.nanoTime();
        timer.schedule(() -> Thread.ofVirtual().name("dashboard-read").start(() -> read(feed)), Math.max(0, due),
                TimeUnit.NANOSECONDS);
    }

    private void read(Feed feed) {
        synchronized (feed) {
            feed.scheduled = false;
            if (feed.streams.isEmpty() || !running) {
                feed.dirty = false;
                return;
            }
            feed.reading = true;
            feed.dirty = false;
            feed.lastReadNanos = System.nanoTime();
        }
        DashboardSnapshot snapshot = null;
        try {
            snapshot = dashboards.read(feed.key.tenantId(), feed.key.platformView());
        } catch (ProblemException e) {
            if (e.reason() == Reason.NOT_FOUND) {
                // the tenant is gone: nothing more to show
                endAll(feed, Reason.NOT_FOUND, "This organisation no longer exists");
            } else {
                log.warn("Could not read the dashboard of tenant {} ({}); trying again in {}", feed.key.tenantId(),
                        e.getMessage(), RETRY);
            }
        } catch (RuntimeException e) {
            log.warn("Could not read the dashboard of tenant {} ({}); trying again in {}", feed.key.tenantId(),
                    DatabaseOutages.rootMessage(e), RETRY);
        }
        List<DashboardStream> to = new ArrayList<>();
        String full;
        String helpDesk;
        long seq;
        synchronized (feed) {
            feed.reading = false;
            if (snapshot == null) {
                if (!feed.streams.isEmpty() && timer != null) {
                    feed.scheduled = true;
                    timer.schedule(() -> Thread.ofVirtual().name("dashboard-read").start(() -> read(feed)),
                            RETRY.toMillis(), TimeUnit.MILLISECONDS);
                }
                return;
            }
            boolean changed = !snapshot.sameFiguresAs(feed.last);
            if (changed) {
                feed.last = snapshot;
                feed.seq++;
                feed.json = json.writeValueAsString(snapshot);
                feed.helpDeskJson = json.writeValueAsString(snapshot.forHelpDesk());
            }
            for (DashboardStream s : feed.streams) {
                if (changed || s.waitingForFirst()) {
                    to.add(s);
                }
            }
            full = feed.json;
            helpDesk = feed.helpDeskJson;
            seq = feed.seq;
            if (feed.dirty) {
                feed.dirty = false;
                request(feed);
            }
        }
        for (DashboardStream s : to) {
            if (!credentials.stillValid(s.signIn)) {
                s.end(endOf(Reason.UNAUTHENTICATED, "Your sign-in has ended; sign in again"));
            } else {
                s.snapshot(seq, s.helpDesk ? helpDesk : full);
            }
        }
    }

    private void heartbeats() {
        for (Feed feed : feeds.values()) {
            for (DashboardStream s : feed.streams) {
                if (!credentials.stillValid(s.signIn)) {
                    s.end(endOf(Reason.UNAUTHENTICATED, "Your sign-in has ended; sign in again"));
                } else {
                    s.heartbeat();
                }
            }
        }
    }

    private void refreshAll() {
        changed(null);
    }

    private void endAll(Feed feed, Reason reason, String detail) {
        for (DashboardStream s : feed.streams) {
            s.end(endOf(reason, detail));
        }
    }

    private String endOf(Reason reason, String detail) {
        return json.writeValueAsString(Map.of("reason", reason.name(), "detail", detail));
    }

    private static ProblemException unavailable(String detail) {
        return new ProblemException(Reason.SERVICE_UNAVAILABLE, detail,
                Map.of("retryAfterSeconds", DatabaseOutages.RETRY_AFTER.toSeconds()));
    }

    @Override
    public void start() {
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("dashboard-timer").factory());
        long beat = properties.heartbeatInterval().toMillis();
        long refresh = properties.refreshInterval().toMillis();
        t.scheduleWithFixedDelay(guarded(this::heartbeats), beat, beat, TimeUnit.MILLISECONDS);
        t.scheduleWithFixedDelay(guarded(this::refreshAll), refresh, refresh, TimeUnit.MILLISECONDS);
        timer = t;
        running = true;
    }

    private Runnable guarded(Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.warn("Dashboard timer task failed: {}", e.toString());
            }
        };
    }

    /** Ends every stream (in words: the browser connects again, to this broker or another) before the web server stops. */
    @Override
    public void stop() {
        running = false;
        ScheduledExecutorService t = timer;
        timer = null;
        if (t != null) {
            t.shutdownNow();
        }
        for (Feed feed : feeds.values()) {
            endAll(feed, Reason.SERVICE_UNAVAILABLE, "This broker is stopping; the dashboard connects again by itself");
        }
        // the end events are written by the streams' own threads: give them a moment
        long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (feeds.values().stream().anyMatch(f -> f.streams.stream().anyMatch(s -> !s.closed()))
                && System.nanoTime() < until) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Feed feed : feeds.values()) {
            for (DashboardStream s : feed.streams) {
                try {
                    s.emitter.complete();
                } catch (IllegalStateException done) {
                    // already completed
                }
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
