package io.deskport.broker.shared;

/**
 * The pause between two attempts to take a row that concurrent transactions hold ({@code FOR UPDATE
 * SKIP LOCKED} found none free while the committed state still shows some). Claims and
 * quota seats look again rather than wait on another transaction's lock, which could deadlock.
 */
public final class LockedRows {

    private LockedRows() {
    }

    /**
     * Sleeps 0.1 ms after the first attempt, growing to 0.9 ms.
     *
     * @param attempt the number of attempts made so far, from 0
     */
    public static void pause(int attempt) {
        try {
            Thread.sleep(0, 100_000 * Math.min(attempt + 1, 9));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for rows held by concurrent transactions", e);
        }
    }
}
