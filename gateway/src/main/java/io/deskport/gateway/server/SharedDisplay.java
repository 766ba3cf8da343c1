package io.deskport.gateway.server;

import io.deskport.gateway.display.Display;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connection's {@link Display} with the lock that serialises it between the RFB thread (which holds it
 * for a whole update, so that frames never show half of one), the frame thread and viewers joining.
 */
final class SharedDisplay {

    private final Display display;
    private final ReentrantLock lock = new ReentrantLock();

    SharedDisplay(Display display) {
        this.display = display;
    }

    /** @return the display; use it only while holding the lock */
    Display display() {
        return display;
    }

    void lock() {
        lock.lock();
    }

    void unlock() {
        lock.unlock();
    }

    /** Runs an action on the display under the lock. */
    void run(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }

    /** Releases every hold the calling thread has (an update that failed half way leaves the display locked). */
    void releaseHeld() {
        while (lock.isHeldByCurrentThread()) {
            lock.unlock();
        }
    }
}
