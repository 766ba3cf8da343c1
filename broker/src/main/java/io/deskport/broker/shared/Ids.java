package io.deskport.broker.shared;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * New object ids: UUIDv7 (time-ordered, so new rows land at the end of indexes instead of splitting
 * pages all over them under a logon storm).
 */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    public static UUID newId() {
        long millis = System.currentTimeMillis();
        long randA = RANDOM.nextInt(1 << 12);
        long msb = (millis << 16) | (0x7L << 12) | randA;
        long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
