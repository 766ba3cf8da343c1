package io.deskport.provisioning.demand;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A pool's logon curve, learned from its session history: the mean number of arrivals (new sessions) in each
 * 5-minute slot of the local day, per {@link DayKind}, in the tenant's time zone. Pure and immutable.
 *
 * <p><b>Learning.</b> Every arrival of the history window counts in the slot of its local date and wall-clock
 * time; a slot's mean is its count over the number of days of that kind the window covers wholly, and its spread the
 * standard deviation of the days' counts (how much one Monday's 08:10 differs from another's). Dates of the
 * holiday calendar count as {@link DayKind#HOLIDAY}, never as their weekday, so one holiday does not drag a
 * Monday's curve down.
 *
 * <p><b>Working days.</b> A date the calendar names a working day (normally off, worked this time) counts as the
 * weekday it works like, in learning and in forecasting.
 *
 * <p><b>The same day.</b> The day the history ends in (today) is not learned, but how it runs so far against its
 * curve corrects the rest of its forecast ({@link Today}) when it strays beyond chance.
 *
 * <p><b>Holidays without history.</b> A holiday is forecast from the holidays the window saw; when it saw none,
 * like the quieter of the window's Saturday and Sunday (whichever had fewer arrivals): offices are closed.
 *
 * <p><b>Daylight saving.</b> Slots are local wall-clock time: a 08:00 logon storm stays at 08:00 across a change.
 * On the day that repeats an hour its arrivals fall twice into the same slots (counted); on the day that skips one
 * those slots are empty (their mean is lower by one day's share).
 */
public final class DemandModel {

    /** A slot is five minutes of the local day. */
    public static final Duration SLOT = Duration.ofMinutes(5);
    /** Slots per local day. */
    public static final int SLOTS_PER_DAY = 288;

    private final ZoneId zone;
    private final Set<LocalDate> holidays;
    private final Map<LocalDate, DayKind> workingDays;
    private final double[][] mean;
    private final double[][] spread;
    private final int[] daysSeen;
    /** The local date the history ended in ("today" when it ends now), and how that day runs against its curve. */
    private final LocalDate today;
    private final Today sofar;

    private DemandModel(ZoneId zone, Set<LocalDate> holidays, Map<LocalDate, DayKind> workingDays, double[][] mean,
                        double[][] spread, int[] daysSeen, LocalDate today, Today sofar) {
        this.zone = zone;
        this.holidays = holidays;
        this.workingDays = workingDays;
        this.mean = mean;
        this.spread = spread;
        this.daysSeen = daysSeen;
        this.today = today;
        this.sofar = sofar;
    }

    /**
     * How the day the history ends in runs so far against its curve: its arrivals since local midnight, the curve's
     * mean for the same time, and the factor the rest of the day's forecast is multiplied by — 1 unless the day strays
     * beyond chance ({@link #SIGNIFICANT} Poisson standard deviations): then (observed + 1) / (expected + 1), between
     * {@link #MIN_FACTOR} and {@link #MAX_FACTOR}. A day that runs busier than usual (an all-hands, a deadline) gets
     * more spares for the rest of it at once; a quiet one (half the office out) fewer, but only once a quarter of its
     * usual logons were due ({@link #QUIET_EVIDENCE}): a quiet early morning says little about the storm to come.
     */
    public record Today(double observed, double expected, double factor) {

        static final Today NONE = new Today(0, 0, 1);
    }

    /** Standard deviations beyond which today counts as straying from its curve. */
    static final double SIGNIFICANT = 3;
    static final double MIN_FACTOR = 0.25;
    /** The share of the day's usual logons that must be due before a quiet day lowers its forecast. */
    static final double QUIET_EVIDENCE = 0.25;
    static final double MAX_FACTOR = 4;

    /**
     * Learns a curve.
     *
     * @param zone     the tenant's time zone
     * @param holidays the tenant's holiday calendar (past dates are learned as holidays, future ones forecast so)
     * @param arrivals arrivals by instant (e.g. counts per UTC 5-minute bucket, keyed by the bucket's start); those
     *                 outside {@code [from, to)} are ignored
     * @param from     the history window's start
     * @param to       its end (usually now)
     */
    public static DemandModel learn(ZoneId zone, Collection<LocalDate> holidays, Map<Instant, Integer> arrivals,
                                    Instant from, Instant to) {
        return learn(zone, holidays, Map.of(), arrivals, from, to);
    }

    /**
     * Learns a curve with a calendar of holidays and working days (a day normally off that is worked, learned and
     * forecast like the weekday it names). The day {@code to} falls in is not learned (it is not whole); how it has run
     * so far sets the same-day correction of its forecast ({@link Today}).
     */
    public static DemandModel learn(ZoneId zone, Collection<LocalDate> holidays, Map<LocalDate, DayKind> workingDays,
                                    Map<Instant, Integer> arrivals, Instant from, Instant to) {
        Objects.requireNonNull(zone, "zone");
        Set<LocalDate> calendar = Set.copyOf(holidays);
        Map<LocalDate, DayKind> worked = Map.copyOf(workingDays);
        for (DayKind k : worked.values()) {
            if (k == DayKind.HOLIDAY) {
                throw new IllegalArgumentException("a working day works like a weekday, not a holiday");
            }
        }
        DayKind[] kinds = DayKind.values();
        double[][] counts = new double[kinds.length][SLOTS_PER_DAY];
        int[] days = new int[kinds.length];
        // the local days the window covers wholly
        LocalDate first = from.atZone(zone).toLocalDate();
        if (from.isAfter(first.atStartOfDay(zone).toInstant())) {
            first = first.plusDays(1);
        }
        LocalDate end = to.atZone(zone).toLocalDate(); // exclusive: the day `to` falls in is not whole
        for (LocalDate d = first; d.isBefore(end); d = d.plusDays(1)) {
            days[DayKind.of(d, calendar, worked).ordinal()]++;
        }
        Instant wholeFrom = first.atStartOfDay(zone).toInstant();
        Instant wholeTo = end.atStartOfDay(zone).toInstant();
        // each whole day's counts per slot first: the spread of a slot across days is part of the curve
        Map<LocalDate, double[]> perDay = new java.util.HashMap<>();
        double observedToday = 0;
        for (Map.Entry<Instant, Integer> a : arrivals.entrySet()) {
            Instant t = a.getKey();
            if (!t.isBefore(wholeTo) && !t.isBefore(from) && t.isBefore(to)) {
                observedToday += a.getValue(); // the day the history ends in: how it runs so far
                continue;
            }
            if (t.isBefore(wholeFrom) || !t.isBefore(wholeTo) || t.isBefore(from) || !t.isBefore(to)) {
                continue;
            }
            ZonedDateTime local = t.atZone(zone);
            perDay.computeIfAbsent(local.toLocalDate(), d -> new double[SLOTS_PER_DAY])[slotOf(local.toLocalTime())]
                    += a.getValue();
        }
        double[][] squares = new double[kinds.length][SLOTS_PER_DAY];
        for (Map.Entry<LocalDate, double[]> d : perDay.entrySet()) {
            int k = DayKind.of(d.getKey(), calendar, worked).ordinal();
            for (int s = 0; s < SLOTS_PER_DAY; s++) {
                counts[k][s] += d.getValue()[s];
                squares[k][s] += d.getValue()[s] * d.getValue()[s];
            }
        }
        double[][] spread = new double[kinds.length][SLOTS_PER_DAY];
        for (int k = 0; k < kinds.length; k++) {
            for (int s = 0; s < SLOTS_PER_DAY; s++) {
                double m = days[k] == 0 ? 0 : counts[k][s] / days[k];
                // the standard deviation across the days of this kind (none from a single day)
                spread[k][s] = days[k] < 2 ? 0 : Math.sqrt(Math.max(0, squares[k][s] / days[k] - m * m));
                counts[k][s] = m;
            }
        }
        if (days[DayKind.HOLIDAY.ordinal()] == 0) {
            double saturday = total(counts[DayKind.SATURDAY.ordinal()]);
            double sunday = total(counts[DayKind.SUNDAY.ordinal()]);
            int like = saturday <= sunday ? DayKind.SATURDAY.ordinal() : DayKind.SUNDAY.ordinal();
            counts[DayKind.HOLIDAY.ordinal()] = counts[like].clone();
            spread[DayKind.HOLIDAY.ordinal()] = spread[like].clone();
        }
        DemandModel unadjusted = new DemandModel(zone, calendar, worked, counts, spread, days, end, Today.NONE);
        Instant todayFrom = from.isAfter(wholeTo) ? from : wholeTo;
        Today sofar = Today.NONE;
        if (to.isAfter(todayFrom)) {
            double expectedToday = unadjusted.forecast(todayFrom, Duration.between(todayFrom, to));
            double factor = 1;
            if (Math.abs(observedToday - expectedToday) > SIGNIFICANT * Math.sqrt(expectedToday + 1)) {
                factor = Math.max(MIN_FACTOR, Math.min(MAX_FACTOR, (observedToday + 1) / (expectedToday + 1)));
            }
            // a quiet early morning says little about the storm to come: fewer spares only once a quarter of the
            // day's usual logons should have come (more spares at once: a cold start costs more than a spare)
            double wholeDay = unadjusted.forecast(wholeTo, Duration.between(wholeTo, end.plusDays(1).atStartOfDay(zone)
                    .toInstant()));
            if (factor < 1 && expectedToday < QUIET_EVIDENCE * wholeDay) {
                factor = 1;
            }
            sofar = new Today(observedToday, expectedToday, factor);
        }
        return new DemandModel(zone, calendar, worked, counts, spread, days, end, sofar);
    }

    /** How the day the history ended in ran so far against its curve, and the factor its forecast is corrected by. */
    public Today today() {
        return sofar;
    }

    /** The same-day correction at {@code t}: today's factor on the day the history ended in, else 1. */
    public double correction(Instant t) {
        return t.atZone(zone).toLocalDate().equals(today) ? sofar.factor() : 1;
    }

    /** The slot (0–287) a local wall-clock time falls in. */
    public static int slotOf(LocalTime t) {
        return t.toSecondOfDay() / (int) SLOT.toSeconds();
    }

    /** The tenant's time zone. */
    public ZoneId zone() {
        return zone;
    }

    /** The kind of day the local date at {@code t} is. */
    public DayKind dayKind(Instant t) {
        return DayKind.of(t.atZone(zone).toLocalDate(), holidays, workingDays);
    }

    /** How many whole days of this kind the history covered. */
    public int daysSeen(DayKind kind) {
        return daysSeen[kind.ordinal()];
    }

    /** The mean arrivals of one slot on a kind of day. */
    public double expected(DayKind kind, int slot) {
        return mean[kind.ordinal()][slot];
    }

    /** The forecast curve of a local date: mean arrivals per slot (for charts beside the actual arrivals). */
    public double[] curve(LocalDate date) {
        return mean[DayKind.of(date, holidays, workingDays).ordinal()].clone();
    }

    /**
     * The arrivals expected in {@code [start, start + window)}: each slot the window overlaps counts with the part of
     * it the window covers (arrivals are taken as spread evenly over a slot). Slots are walked in real time, so a
     * window across a daylight-saving change reads the wall-clock slots the instants really have.
     */
    public double forecast(Instant start, Duration window) {
        return walk(start, window, mean);
    }

    /**
     * {@link #forecast} with the same-day correction: the slots of the day the history ended in are multiplied by how
     * that day has run so far against its curve ({@link Today#factor()}).
     */
    public double correctedForecast(Instant start, Duration window) {
        return walk(start, window, mean, true);
    }

    /**
     * How far the arrivals of {@code [start, start + window)} strayed from the forecast on the days learned: the
     * standard deviations of the slots the window overlaps across the days of their kind, summed by the part of each
     * slot covered (as if the slots strayed together: a logon storm that starts ten minutes early is early in all of
     * them). Zero where a kind of day was seen once or never.
     */
    public double spread(Instant start, Duration window) {
        return walk(start, window, spread);
    }

    /** The standard deviation of one slot across the days of its kind. */
    public double spread(DayKind kind, int slot) {
        return spread[kind.ordinal()][slot];
    }

    private double walk(Instant start, Duration window, double[][] perSlot) {
        return walk(start, window, perSlot, false);
    }

    private double walk(Instant start, Duration window, double[][] perSlot, boolean corrected) {
        Instant end = start.plus(window);
        double sum = 0;
        Instant t = start;
        long slotSeconds = SLOT.toSeconds();
        while (t.isBefore(end)) {
            ZonedDateTime local = t.atZone(zone);
            // every zone's offset today is a whole number of quarter hours: local slots start on the UTC 5-minute grid
            Instant slotEnd = Instant.ofEpochSecond(Math.floorDiv(t.getEpochSecond(), slotSeconds) * slotSeconds + slotSeconds);
            Instant until = slotEnd.isBefore(end) ? slotEnd : end;
            double part = Duration.between(t, until).toMillis() / (double) SLOT.toMillis();
            LocalDate date = local.toLocalDate();
            double factor = corrected && date.equals(today) ? sofar.factor() : 1;
            sum += perSlot[DayKind.of(date, holidays, workingDays).ordinal()][slotOf(local.toLocalTime())] * part * factor;
            t = until;
        }
        return sum;
    }

    private static double total(double[] slots) {
        double s = 0;
        for (double v : slots) {
            s += v;
        }
        return s;
    }
}
