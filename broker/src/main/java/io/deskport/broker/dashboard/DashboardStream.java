package io.deskport.broker.dashboard;

import java.io.IOException;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One browser's dashboard stream: what it is sent next, written by a virtual thread of its own so that a slow
 * reader never holds up the others. It keeps only the latest snapshot not sent yet (a newer one replaces it), a
 * heartbeat when one is due, and the end when the stream must close; they are sent in that order of importance.
 */
final class DashboardStream {

    private static final Logger log = LoggerFactory.getLogger(DashboardStream.class);
    /** The event that carries a snapshot. */
    static final String SNAPSHOT = "snapshot";
    /** The last event of a stream the broker ends: its data says why ({@code reason}, {@code detail}). */
    static final String END = "end";

    final SseEmitter emitter;
    final Authentication signIn;
    final UUID userId;
    final boolean helpDesk;

    private final Object lock = new Object();
    private String snapshot;
    private long snapshotId;
    private boolean heartbeat;
    private String end;
    private boolean writing;
    private boolean closed;
    /** Whether the stream has had a snapshot (the first is sent whatever the feed found). */
    private boolean started;

    DashboardStream(SseEmitter emitter, Authentication signIn, UUID userId, boolean helpDesk) {
        this.emitter = emitter;
        this.signIn = signIn;
        this.userId = userId;
        this.helpDesk = helpDesk;
    }

    /** True until it has had its first snapshot. */
    boolean waitingForFirst() {
        synchronized (lock) {
            return !started;
        }
    }

    void snapshot(long id, String json) {
        synchronized (lock) {
            if (closed || end != null) {
                return;
            }
            snapshot = json;
            snapshotId = id;
            started = true;
            write();
        }
    }

    void heartbeat() {
        synchronized (lock) {
            if (closed || end != null) {
                return;
            }
            heartbeat = true;
            write();
        }
    }

    /** Sends the end event and closes the stream. */
    void end(String json) {
        synchronized (lock) {
            if (closed || end != null) {
                return;
            }
            end = json;
            write();
        }
    }

    boolean closed() {
        synchronized (lock) {
            return closed;
        }
    }

    /** The client went away (or the request ended): nothing more is written. */
    void gone() {
        synchronized (lock) {
            closed = true;
            snapshot = null;
            end = null;
        }
    }

    private void write() {
        if (!writing) {
            writing = true;
            Thread.ofVirtual().name("dashboard-stream").start(this::drain);
        }
    }

    private void drain() {
        while (true) {
            SseEmitter.SseEventBuilder next;
            boolean last = false;
            synchronized (lock) {
                if (closed) {
                    writing = false;
                    return;
                }
                if (end != null) {
                    next = SseEmitter.event().name(END).data(end, MediaType.APPLICATION_JSON);
                    end = null;
                    last = true;
                } else if (snapshot != null) {
                    next = SseEmitter.event().name(SNAPSHOT).id(Long.toString(snapshotId))
                            .data(snapshot, MediaType.APPLICATION_JSON);
                    snapshot = null;
                    heartbeat = false;
                } else if (heartbeat) {
                    next = SseEmitter.event().comment("heartbeat");
                    heartbeat = false;
                } else {
                    writing = false;
                    return;
                }
            }
            try {
                emitter.send(next);
                if (last) {
                    gone();
                    emitter.complete();
                }
            } catch (IOException | IllegalStateException e) {
                // the client went away: the emitter's completion callbacks forget the stream
                log.debug("Dashboard stream of user {} closed: {}", userId, e.getMessage());
                gone();
                try {
                    emitter.completeWithError(e);
                } catch (IllegalStateException alreadyDone) {
                    // completed meanwhile
                }
            }
        }
    }
}
