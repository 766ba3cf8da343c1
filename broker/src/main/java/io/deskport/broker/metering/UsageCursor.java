package io.deskport.broker.metering;

import java.util.Map;

import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;

/**
 * A reader's place in the usage event log: the (writing transaction, sequence number) of the last event it
 * read. Written as {@code <tx>.<seq>} and opaque to clients; {@link #START} is before every event.
 */
public record UsageCursor(long tx, long seq) implements Comparable<UsageCursor> {

    /** Before the first event. */
    public static final UsageCursor START = new UsageCursor(0, 0);

    /**
     * @param text a cursor as {@link #toString()} wrote it, or null/blank for {@link #START}
     * @throws ProblemException VALIDATION_FAILED naming {@code parameter} when it is not one
     */
    public static UsageCursor parse(String text, String parameter) {
        if (text == null || text.isBlank()) {
            return START;
        }
        int dot = text.indexOf('.');
        try {
            if (dot > 0 && dot < 20 && text.length() - dot - 1 <= 19) {
                long tx = Long.parseLong(text, 0, dot, 10);
                long seq = Long.parseLong(text, dot + 1, text.length(), 10);
                if (tx >= 0 && seq >= 0) {
                    return new UsageCursor(tx, seq);
                }
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ProblemException(Reason.VALIDATION_FAILED, "'" + parameter + "' is not a cursor this API gave out",
                Map.of("parameter", parameter));
    }

    @Override
    public int compareTo(UsageCursor o) {
        int c = Long.compare(tx, o.tx);
        return c != 0 ? c : Long.compare(seq, o.seq);
    }

    @Override
    public String toString() {
        return tx + "." + seq;
    }
}
