package io.deskport.broker.metering;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.deskport.broker.metering.WebhookLedger.Claim;
import io.deskport.broker.metering.WebhookLedger.OpenReplay;
import io.deskport.broker.metering.WebhookLedger.Outcome;
import io.deskport.broker.metering.WebhookLedger.PassEnd;
import io.deskport.broker.metering.WebhookLedger.Retry;
import io.deskport.broker.metering.WebhookLedger.Source;
import io.deskport.broker.metering.WebhookLedger.Target;

/**
 * Delivers usage events to the webhook subscriptions, on every broker that has it on, off every request's
 * thread and transaction: a slow or dead endpoint costs this relay's threads and nothing else.
 *
 * <p>One thread claims subscriptions whose next pass is due ({@link WebhookLedger#claim}: a lease, taken with
 * SKIP LOCKED, so two brokers never deliver to one subscription at once while both are well) and hands each to
 * one of {@code concurrent-subscriptions} workers. A worker runs passes on its subscription while there is work,
 * each pass: read the retries that are due and the next events after the cursor that the subscription's filter
 * matches (then, with room left, an open replay's), send them with as many requests in flight as the endpoint
 * needs to keep up ({@link DeliveryLanes}: at most {@code parallelism}), and record
 * the lot in one transaction that also advances the cursor past every event attempted and renews the lease
 * ({@link WebhookLedger#finishPass}). A failed event goes to the retries with its own backoff, so one bad event
 * does not hold the others back; a broker that dies mid-pass advanced nothing, and whoever takes the lease over
 * sends the same events again, with the same {@code webhook-id}s (at least once).
 *
 * <p>An endpoint whose every attempt in a pass failed is <i>failing</i>: its passes are spaced by exponential
 * backoff with full jitter and each sends one event only (the oldest waiting), until one succeeds; then the
 * waiting events are due at once. New events stay in the log meanwhile (the cursor does not move past events
 * nobody tried), so a long outage costs no rows. Failing longer than {@code give-up-after} disables the
 * subscription ({@link FailingEndpoints}).
 */
@Component
class WebhookRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WebhookRelay.class);
    private static final Duration FORGET_EVERY = Duration.ofMinutes(1);

    private final WebhookProperties settings;
    private final WebhookLedger ledger;
    private final UsageEventLog eventLog;
    private final CloudEvents cloudEvents;
    private final WebhookSender sender;
    private final WebhookAddresses addresses;
    private final FailingEndpoints failing;
    /** This broker as a lease holder: unique per process, so a restarted broker does not take its old leases for its own. */
    private final String owner;
    private final Semaphore slots;
    private final DeliveryLanes lanes;
    private final Object wake = new Object();

    private volatile boolean running;
    private Thread claimer;
    private ExecutorService workers;
    private Instant lastForget = Instant.EPOCH;

    WebhookRelay(WebhookProperties settings, WebhookLedger ledger, UsageEventLog eventLog, CloudEvents cloudEvents,
                 WebhookSender sender, WebhookAddresses addresses, FailingEndpoints failing) {
        this.settings = settings;
        this.ledger = ledger;
        this.eventLog = eventLog;
        this.cloudEvents = cloudEvents;
        this.sender = sender;
        this.addresses = addresses;
        this.failing = failing;
        this.owner = hostName() + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
        this.slots = new Semaphore(settings.concurrentSubscriptions());
        this.lanes = new DeliveryLanes(settings.parallelism(), settings.pollInterval());
    }

    @Override
    public void start() {
        if (!settings.enabled()) {
            log.info("Webhook delivery is off on this broker (deskport.metering.webhooks.enabled=false)");
            return;
        }
        running = true;
        workers = Executors.newFixedThreadPool(settings.concurrentSubscriptions(),
                Thread.ofPlatform().name("webhook-worker-", 0).daemon().factory());
        claimer = Thread.ofPlatform().name("webhook-relay").daemon().start(this::claimLoop);
    }

    @Override
    public void stop() {
        running = false;
        if (claimer == null) {
            return;
        }
        claimer.interrupt();
        workers.shutdownNow();
        try {
            claimer.join(5000);
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // stops before the web server and the data source, starts after them
        return Integer.MAX_VALUE - 2000;
    }

    private void claimLoop() {
        while (running) {
            try {
                int free = slots.availablePermits();
                List<Claim> claims = free == 0 ? List.of() : ledger.claim(owner, free, settings.lease());
                for (Claim c : claims) {
                    slots.acquire();
                    workers.execute(() -> {
                        try {
                            deliver(c);
                        } finally {
                            slots.release();
                            synchronized (wake) {
                                wake.notifyAll();
                            }
                        }
                    });
                }
                forgetOldAttempts();
                if (claims.isEmpty() || slots.availablePermits() == 0) {
                    synchronized (wake) {
                        wake.wait(settings.pollInterval().toMillis());
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                log.warn("Webhook relay could not claim subscriptions; it tries again shortly: {}", e.getMessage());
                sleep(Duration.ofSeconds(1));
            }
        }
    }

    /** Passes on one subscription while there is work and this broker holds its lease. */
    void deliver(Claim claim) {
        State state = new State(claim.cursor(), claim.failingSince(), claim.failedPasses());
        Duration next = settings.pollInterval();
        try {
            while (running) {
                Pass pass = pass(claim.id(), state);
                if (pass == Pass.LOST) {
                    return;
                }
                if (pass != Pass.MORE) {
                    next = pass == Pass.IDLE ? settings.pollInterval() : state.backoff;
                    break;
                }
            }
            if (!running) {
                next = Duration.ZERO; // another broker takes over at once
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            next = Duration.ZERO;
        } catch (RuntimeException e) {
            log.warn("Webhook delivery to subscription {} failed and is taken up again after {}: {}", claim.id(),
                    settings.pollInterval(), e.toString());
        }
        try {
            ledger.release(claim.id(), owner, next);
        } catch (RuntimeException e) {
            log.warn("Webhook subscription {}: its lease could not be given up (it runs out by itself): {}", claim.id(),
                    e.getMessage());
        }
    }

    /** What a pass left to do. */
    enum Pass { MORE, IDLE, BACKING_OFF, LOST }

    /** The subscription's delivery state as this worker holds it between passes. */
    private static final class State {
        UsageCursor cursor;
        Instant failingSince;
        int failedPasses;
        Duration backoff = Duration.ZERO;

        State(UsageCursor cursor, Instant failingSince, int failedPasses) {
            this.cursor = cursor;
            this.failingSince = failingSince;
            this.failedPasses = failedPasses;
        }
    }

    /** One event to send in a pass, with where it came from. */
    private record Work(UsageEvent event, Source source, int attempt, Instant firstFailedAt) {
    }

    private Pass pass(UUID id, State state) throws InterruptedException {
        Target target = ledger.target(id);
        if (target == null || !target.enabled()) {
            lanes.forget(id);
            return Pass.IDLE;
        }
        boolean isFailing = state.failingSince != null;
        int batch = settings.batchSize();
        List<Work> work = new ArrayList<>();
        // the retries first: they are the oldest; while failing, one event only (the oldest waiting, due or not)
        List<Retry> retries = ledger.retries(id, isFailing ? 1 : batch, isFailing);
        if (!retries.isEmpty()) {
            List<UsageEvent> events = eventLog.at(retries.stream().map(Retry::position).toList());
            List<UsageCursor> gone = new ArrayList<>();
            int e = 0;
            for (Retry r : retries) {
                if (e < events.size() && events.get(e).position().equals(r.position())) {
                    work.add(new Work(events.get(e++), Source.RETRY, r.attempts() + 1, r.firstFailedAt()));
                } else {
                    gone.add(r.position());
                }
            }
            ledger.dropRetries(id, gone);
        }
        UsageCursor cursor = null;
        int room = isFailing ? 1 - work.size() : batch - work.size();
        boolean moreNew = false;
        if (room > 0) {
            List<UsageEvent> fresh = eventLog.after(state.cursor, target.tenantId(), target.types(), room);
            fresh.forEach(ev -> work.add(new Work(ev, Source.NEW, 1, null)));
            moreNew = fresh.size() == room;
        }
        OpenReplay replay = null;
        UsageCursor replayTo = null;
        boolean replayDone = false;
        List<Work> replayed = new ArrayList<>();
        room = isFailing ? 0 : batch - work.size();
        if (room > 0) {
            replay = ledger.openReplay(id);
            if (replay != null) {
                replayTo = replay.position();
                List<UsageEvent> events = eventLog.after(replay.position(), target.tenantId(), target.types(), room);
                for (UsageEvent ev : events) {
                    if (ev.position().compareTo(replay.until()) > 0) {
                        break;
                    }
                    replayTo = ev.position();
                    if (replay.inTime(ev.time())) {
                        replayed.add(new Work(ev, Source.REPLAY, 1, null));
                    }
                }
                // done when the range is read to its end (or nothing more of it is in the log)
                replayDone = replayTo.compareTo(replay.until()) >= 0 || events.size() < room
                        || events.getLast().position().compareTo(replay.until()) > 0;
                work.addAll(replayed);
            }
        }
        if (work.isEmpty() && replay == null) {
            if (state.failingSince != null) {
                // nothing is waiting (its last failures were given up): nothing is failing, and nothing to give up on
                if (!ledger.finishPass(id, owner, new PassEnd(List.of(), null, null, null, false, 0,
                        settings.pollInterval(), settings.lease()))) {
                    return Pass.LOST;
                }
                state.failingSince = null;
                state.failedPasses = 0;
            }
            return Pass.IDLE;
        }
        if (isFailing && Duration.between(state.failingSince, Instant.now()).compareTo(settings.giveUpAfter()) > 0) {
            // events wait and the endpoint has taken none of them for the whole window
            failing.disable(target, state.failingSince, state.failedPasses);
            return Pass.IDLE;
        }

        int inFlight = lanes.of(id);
        long sendStart = System.nanoTime();
        List<WebhookSender.Result> results = send(target, work, inFlight);
        long sendNanos = System.nanoTime() - sendStart;
        Instant now = Instant.now();
        List<Outcome> outcomes = new ArrayList<>(results.size());
        boolean anySuccess = false;
        String lastError = null;
        for (int i = 0; i < results.size(); i++) {
            Work w = work.get(i);
            WebhookSender.Result r = results.get(i);
            anySuccess |= r.succeeded();
            boolean givenUp = false;
            String error = r.error();
            if (!r.succeeded()) {
                lastError = error;
                Instant firstFailed = w.firstFailedAt() == null ? now : w.firstFailedAt();
                // an event the endpoint keeps refusing while it takes others is given up after the window
                givenUp = w.source() == Source.RETRY && Duration.between(firstFailed, now).compareTo(settings.giveUpAfter()) > 0
                        && state.failingSince == null;
                if (givenUp) {
                    error = error + "; given up after " + w.attempt() + " attempts (replay it to send it again)";
                }
            }
            outcomes.add(new Outcome(w.event(), w.source(), w.attempt(), r.at(), r.status(), r.latencyMs(), r.succeeded(),
                    error, r.succeeded() ? null : backoff(w.attempt()), givenUp));
        }
        // the cursor moves past the new events that were attempted (results are a prefix of the work)
        for (int i = 0; i < results.size(); i++) {
            if (work.get(i).source() == Source.NEW) {
                cursor = work.get(i).event().position();
            }
        }
        boolean allNewSent = results.size() >= work.size() - replayed.size();
        if (replay != null && results.size() < work.size()) {
            // the replay's part was not all sent: it goes on from its last event that was
            replayDone = false;
            replayTo = replay.position();
            for (int i = 0; i < results.size(); i++) {
                if (work.get(i).source() == Source.REPLAY) {
                    replayTo = work.get(i).event().position();
                }
            }
        }
        boolean allFailed = !outcomes.isEmpty() && !anySuccess;
        int failedPasses = allFailed ? state.failedPasses + 1 : anySuccess ? 0 : state.failedPasses;
        Duration nextPass = allFailed ? backoff(failedPasses) : Duration.ZERO;
        boolean held = ledger.finishPass(id, owner, new PassEnd(outcomes, cursor, replay == null ? null : replay.id(),
                replayTo, replayDone, failedPasses, nextPass, settings.lease()));
        if (!held) {
            log.info("Webhook subscription {}: the lease passed to another broker mid-pass; it sends these {} events "
                    + "again itself", id, outcomes.size());
            return Pass.LOST;
        }
        if (cursor != null) {
            state.cursor = cursor;
        }
        if (allFailed) {
            if (state.failingSince == null) {
                log.warn("Webhook subscription {}: every delivery of a pass failed ({}); it backs off and probes with "
                        + "one event at a time", id, lastError);
                state.failingSince = now;
            }
            state.failedPasses = failedPasses;
            state.backoff = nextPass;
            return Pass.BACKING_OFF;
        }
        if (anySuccess && state.failingSince != null) {
            log.info("Webhook subscription {}: the endpoint takes deliveries again; its waiting events are due now", id);
            ledger.retriesDueNow(id);
            state.failingSince = null;
            state.failedPasses = 0;
            return Pass.MORE;
        }
        boolean more = moreNew && allNewSent || retries.size() == batch || replay != null && !replayDone
                || results.size() < work.size();
        lanes.passed(id, Math.min(inFlight, results.size()), sendNanos, anySuccess, more);
        return more ? Pass.MORE : Pass.IDLE;
    }

    private List<WebhookSender.Result> send(Target target, List<Work> work, int inFlight) throws InterruptedException {
        String refused = addresses.whyNotReachable(target.url());
        if (refused != null) {
            WebhookSender.Result r = WebhookSender.refused("not sent: the endpoint " + refused);
            return work.stream().map(w -> r).toList();
        }
        WebhookSigner signer = new WebhookSigner(target.keys());
        List<WebhookSender.Delivery> deliveries = work.stream()
                .map(w -> new WebhookSender.Delivery(Long.toString(w.event().seq()), cloudEvents.toText(w.event())))
                .toList();
        // every request started before the deadline ends within the lease (it is at least twice the request timeout)
        Instant deadline = Instant.now().plus(settings.lease().dividedBy(2)).minus(settings.requestTimeout());
        return sender.send(target.url(), signer, deliveries, inFlight, deadline);
    }

    /** @return the requests this broker's next pass to the subscription may have in flight at once */
    int lanesOf(UUID subscription) {
        return lanes.of(subscription);
    }

    /** Exponential backoff with full jitter: random up to base × 2^(n-1), capped. */
    Duration backoff(int attempt) {
        long base = settings.backoffBase().toMillis();
        long cap = settings.backoffCap().toMillis();
        long ceiling = attempt >= 40 ? cap : Math.min(cap, base << Math.max(0, Math.min(attempt - 1, 40)));
        if (ceiling <= 0) {
            ceiling = cap;
        }
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling + 1));
    }

    private void forgetOldAttempts() {
        Instant now = Instant.now();
        if (Duration.between(lastForget, now).compareTo(FORGET_EVERY) < 0) {
            return;
        }
        lastForget = now;
        // a minute's attempts at up to ~16,000 deliveries a second; more (a backlog after an outage) in later sweeps
        int forgotten = ledger.forgetAttempts(settings.attemptRetention(), 100);
        if (forgotten > 0) {
            log.debug("Webhook attempts older than {} removed: {}", settings.attemptRetention(), forgotten);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "broker";
        }
    }
}
