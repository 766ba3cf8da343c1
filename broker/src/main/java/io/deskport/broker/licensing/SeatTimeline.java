package io.deskport.broker.licensing;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The seats of one product in use over time, from its seat history: a pure computation (no database, no clock),
 * exact to the microsecond the history is kept in.
 *
 * <p>Each holding counts on the half-open interval {@code [taken, released)}; one still held ({@code released}
 * null) counts from {@code taken} on. At an instant where one seat is released and another taken, the release
 * counts first: the seats in use at {@code t} are the holdings with {@code taken <= t < released}, so a seat
 * handed from one holder to the next at the same instant never counts twice, and a holding released the instant
 * it was taken never counts. The count is a step function that changes only at the instants a seat is taken or
 * released; a sweep over those instants, in order, gives every value it takes — which is how the peaks and the
 * overuse periods are found exactly, never by sampling.
 *
 * <p>The seats in force at {@code t} are the {@code seats} of the licence in force then ({@link LicenceTerm#inForce});
 * none in force: 0. They change only at the licences' starts, ends and grace ends.
 */
final class SeatTimeline {

    /** Instants a seat was taken or released, ascending and distinct. */
    private final long[] changes;
    /** The seats in use from {@code changes[i]} (inclusive) to {@code changes[i + 1]} (exclusive). */
    private final int[] inUseFrom;
    /** Each holding: taken, released ({@link Long#MAX_VALUE}: still held), its holder's number. */
    private final long[] taken;
    private final long[] released;
    private final int[] holder;
    private final List<LicenceTerm> licences;
    /** The instants the seats in force may change, ascending. */
    private final long[] licenceChanges;

    private SeatTimeline(long[] taken, long[] released, int[] holder, List<LicenceTerm> licences) {
        this.taken = taken;
        this.released = released;
        this.holder = holder;
        this.licences = List.copyOf(licences);
        int n = taken.length;
        long[] takes = taken.clone();
        long[] releases = Arrays.stream(released).filter(r -> r != Long.MAX_VALUE).toArray();
        Arrays.sort(takes);
        Arrays.sort(releases);
        long[] times = new long[takes.length + releases.length];
        int[] counts = new int[times.length];
        int k = 0;
        int i = 0;
        int j = 0;
        int count = 0;
        // every instant once, with all its releases and takes: the count after the instant is the count at it
        while (i < takes.length || j < releases.length) {
            long t = j >= releases.length || i < takes.length && takes[i] < releases[j] ? takes[i] : releases[j];
            while (j < releases.length && releases[j] == t) {
                count--;
                j++;
            }
            while (i < takes.length && takes[i] == t) {
                count++;
                i++;
            }
            if (k > 0 && counts[k - 1] == count) {
                continue; // a seat handed over at the same instant: nothing changed
            }
            times[k] = t;
            counts[k++] = count;
        }
        this.changes = Arrays.copyOf(times, k);
        this.inUseFrom = Arrays.copyOf(counts, k);
        TreeSet<Long> bounds = new TreeSet<>();
        for (LicenceTerm l : this.licences) {
            bounds.add(micros(l.validFrom()));
            if (l.validUntil() != null) {
                bounds.add(micros(l.validUntil()));
                bounds.add(micros(l.graceEnd()));
            }
        }
        this.licenceChanges = bounds.stream().mapToLong(Long::longValue).toArray();
        assert n == released.length && n == holder.length;
    }

    /** @return a timeline to add a product's holdings to */
    static Builder builder() {
        return new Builder();
    }

    /** Collects a product's holdings (compactly: a report may read hundreds of thousands). */
    static final class Builder {
        private long[] taken = new long[64];
        private long[] released = new long[64];
        private int[] holder = new int[64];
        private int size;
        private final Map<String, Integer> holders = new HashMap<>();

        private Builder() {
        }

        /**
         * Adds a holding of a seat.
         *
         * @param holderKey who or what held it (the user, the device, the desktop): holdings of the same key are
         *                  one holder
         * @param releasedAt null while it is held
         * @return this builder
         */
        Builder hold(String holderKey, Instant takenAt, Instant releasedAt) {
            long t = micros(takenAt);
            long r = releasedAt == null ? Long.MAX_VALUE : micros(releasedAt);
            if (r <= t) {
                // held for no time at all (or released "before" it was taken, a clock stepped back): never counts
                return this;
            }
            if (size == taken.length) {
                taken = Arrays.copyOf(taken, size * 2);
                released = Arrays.copyOf(released, size * 2);
                holder = Arrays.copyOf(holder, size * 2);
            }
            taken[size] = t;
            released[size] = r;
            holder[size] = holders.computeIfAbsent(holderKey, k -> holders.size());
            size++;
            return this;
        }

        /** @param licences the product's licences (every one: which is in force when is decided here) */
        SeatTimeline build(List<LicenceTerm> licences) {
            return new SeatTimeline(Arrays.copyOf(taken, size), Arrays.copyOf(released, size), Arrays.copyOf(holder, size),
                    licences);
        }
    }

    /**
     * The highest count of seats in use during a period.
     *
     * @param start the period's start (inclusive)
     * @param end its end (exclusive)
     * @param peak the most seats in use at any instant of the period (the seats held at its start included)
     * @param peakAt the first instant the peak was reached (the start when the peak is held from it)
     * @param seats the seats in force at {@code peakAt}
     * @param holders distinct holders that held a seat at some instant of the period
     */
    record Peak(Instant start, Instant end, int peak, Instant peakAt, int seats, int holders) {
    }

    /** @return the seats in use at {@code t}: the holdings with {@code taken <= t < released} */
    int inUseAt(Instant t) {
        return inUseAt(micros(t));
    }

    private int inUseAt(long t) {
        int i = lastChangeAtOrBefore(t);
        return i < 0 ? 0 : inUseFrom[i];
    }

    /** @return the seats of the licence in force at {@code t}, 0 when none is */
    int seatsAt(Instant t) {
        return LicenceTerm.inForce(licences, t).map(LicenceTerm::seats).orElse(0);
    }

    /** @return the peak of {@code [start, end)} */
    Peak peak(Instant start, Instant end) {
        return peaks(List.of(start, end)).getFirst();
    }

    /**
     * The peaks of consecutive periods.
     *
     * @param bounds ascending instants: the periods are {@code [bounds[i], bounds[i + 1])}
     * @return a peak per period, in order
     */
    List<Peak> peaks(List<Instant> bounds) {
        int periods = bounds.size() - 1;
        long[] at = new long[bounds.size()];
        for (int p = 0; p < at.length; p++) {
            at[p] = micros(bounds.get(p));
            if (p > 0 && at[p] <= at[p - 1]) {
                throw new IllegalArgumentException("periods must be ascending and not empty: " + bounds);
            }
        }
        int[] holders = distinctHolders(at);
        List<Peak> peaks = new ArrayList<>(Math.max(periods, 0));
        int i = lastChangeAtOrBefore(at[0]) + 1; // the first change after the first period's start
        for (int p = 0; p < periods; p++) {
            long start = at[p];
            long end = at[p + 1];
            int best = inUseAt(start);
            long bestAt = start;
            while (i < changes.length && changes[i] <= start) {
                i++;
            }
            for (; i < changes.length && changes[i] < end; i++) {
                if (inUseFrom[i] > best) {
                    best = inUseFrom[i];
                    bestAt = changes[i];
                }
            }
            Instant peakAt = instant(bestAt);
            peaks.add(new Peak(instant(start), instant(end), best, peakAt, seatsAt(peakAt), holders[p]));
        }
        return peaks;
    }

    /** Per period {@code [at[p], at[p + 1])}: the distinct holders of the holdings that overlap it. */
    private int[] distinctHolders(long[] at) {
        int periods = at.length - 1;
        // (period, holder) pairs, each holding adding one per period it overlaps; sorted, the distinct ones counted
        long[] pairs = new long[16];
        int n = 0;
        for (int h = 0; h < taken.length; h++) {
            if (taken[h] >= at[periods] || released[h] <= at[0]) {
                continue;
            }
            int first = Math.max(0, periodOf(at, taken[h]));
            int last = Math.min(periods - 1, periodOf(at, released[h] == Long.MAX_VALUE ? Long.MAX_VALUE : released[h] - 1));
            for (int p = first; p <= last; p++) {
                if (n == pairs.length) {
                    pairs = Arrays.copyOf(pairs, n * 2);
                }
                pairs[n++] = ((long) p << 32) | holder[h];
            }
        }
        Arrays.sort(pairs, 0, n);
        int[] holders = new int[periods];
        for (int k = 0; k < n; k++) {
            if (k == 0 || pairs[k] != pairs[k - 1]) {
                holders[(int) (pairs[k] >>> 32)]++;
            }
        }
        return holders;
    }

    /** @return the period {@code t} falls in: the last {@code p} with {@code at[p] <= t} (-1 before the first) */
    private static int periodOf(long[] at, long t) {
        int i = Arrays.binarySearch(at, t);
        return i >= 0 ? i : -i - 2;
    }

    /**
     * The periods when more seats were in use than the licence in force has, during {@code [from, to)}: each from
     * the instant the seats in use first exceeded the seats in force to the instant they no longer did.
     *
     * @return in order; a period that lasts at {@code to} has no end ({@link OverusePeriod#ongoing()}), one that
     *         lasted at {@code from} starts there (the caller looks further back for its true start)
     */
    List<OverusePeriod> overuse(Instant from, Instant to) {
        long a = micros(from);
        long b = micros(to);
        List<OverusePeriod> periods = new ArrayList<>();
        if (a >= b) {
            return periods;
        }
        // the instants in (a, b) where the seats in use or the seats in force change, with a first
        int i = lastChangeAtOrBefore(a) + 1;
        int j = 0;
        while (j < licenceChanges.length && licenceChanges[j] <= a) {
            j++;
        }
        long t = a;
        long startedAt = 0;
        int startSeats = 0;
        int peakExcess = 0;
        long peakAt = 0;
        int peakInUse = 0;
        boolean over = false;
        while (true) {
            int inUse = inUseAt(t);
            int seats = seatsAt(instant(t));
            int excess = inUse - seats;
            if (excess > 0 && !over) {
                over = true;
                startedAt = t;
                startSeats = seats;
                peakExcess = 0;
            }
            if (over && excess > peakExcess) {
                peakExcess = excess;
                peakAt = t;
                peakInUse = inUse;
            }
            if (excess <= 0 && over) {
                over = false;
                periods.add(new OverusePeriod(instant(startedAt), instant(t), startSeats, peakExcess, instant(peakAt), peakInUse));
            }
            long next = Long.MAX_VALUE;
            if (i < changes.length) {
                next = changes[i];
            }
            if (j < licenceChanges.length) {
                next = Math.min(next, licenceChanges[j]);
            }
            if (next >= b) {
                break;
            }
            t = next;
            while (i < changes.length && changes[i] <= t) {
                i++;
            }
            while (j < licenceChanges.length && licenceChanges[j] <= t) {
                j++;
            }
        }
        if (over) {
            periods.add(new OverusePeriod(instant(startedAt), null, startSeats, peakExcess, instant(peakAt), peakInUse));
        }
        return periods;
    }

    /** @return the index of the last change at or before {@code t}, -1 when none is */
    private int lastChangeAtOrBefore(long t) {
        int i = Arrays.binarySearch(changes, t);
        return i >= 0 ? i : -i - 2;
    }

    /** @return microseconds since the epoch, as PostgreSQL keeps time (finer digits are dropped) */
    static long micros(Instant t) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, t);
    }

    static Instant instant(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }
}
