package io.deskport.bench.costday;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * How a tenant's users log on, day by day (deterministic for a seed). On a working day each user is absent with
 * probability 6%; otherwise arrives in the <b>morning storm</b> (75%: normal around 08:10 local, σ 20 min, the whole
 * day's storm shifted by a few minutes), as a <b>straggler</b> (17%: evenly 09:00–11:30) or <b>early</b> (8%: evenly
 * 06:30–07:45); 35% log off for <b>lunch</b> (around 12:15, σ 15 min) and log on again 30–60 min later (the lunch
 * dip and its second, smaller wave); everyone logs off around 17:00 (σ 45 min, at least 3 h after arriving, by
 * 20:00). On a weekend day 3% of the users, on a holiday 4%, work 30 min–3 h somewhere between 09:00 and 16:00.
 */
final class LogonCurve {

    /** One session: from its connect to its logoff. */
    record Session(Instant start, Instant end) {
    }

    private final int users;
    private final ZoneId zone;
    private final Set<LocalDate> holidays;
    private final long seed;

    LogonCurve(int users, ZoneId zone, Set<LocalDate> holidays, long seed) {
        this.users = users;
        this.zone = zone;
        this.holidays = holidays;
        this.seed = seed;
    }

    /** The sessions that start on the local dates {@code [from, to)}, by start. */
    List<Session> sessions(LocalDate from, LocalDate to) {
        List<Session> out = new ArrayList<>();
        for (LocalDate d = from; d.isBefore(to); d = d.plusDays(1)) {
            Random r = new Random(seed * 1_000_003L + d.toEpochDay());
            boolean weekend = d.getDayOfWeek().getValue() >= 6;
            if (holidays.contains(d) || weekend) {
                double share = holidays.contains(d) ? 0.04 : 0.03;
                for (int u = 0; u < users; u++) {
                    if (r.nextDouble() < share) {
                        double start = 9 * 60 + r.nextDouble() * 7 * 60;
                        double length = 30 + r.nextDouble() * 150;
                        out.add(session(d, start, start + length));
                    }
                }
                continue;
            }
            double stormShift = r.nextGaussian() * 5;
            for (int u = 0; u < users; u++) {
                if (r.nextDouble() < 0.06) {
                    continue;
                }
                double kind = r.nextDouble();
                double arrive;
                if (kind < 0.75) {
                    arrive = clamp(8 * 60 + 10 + stormShift + r.nextGaussian() * 20, 6 * 60 + 45, 9 * 60 + 45);
                } else if (kind < 0.92) {
                    arrive = 9 * 60 + r.nextDouble() * 150;
                } else {
                    arrive = 6 * 60 + 30 + r.nextDouble() * 75;
                }
                double leave = clamp(17 * 60 + r.nextGaussian() * 45, arrive + 180, 20 * 60);
                if (r.nextDouble() < 0.35) {
                    double lunch = clamp(12 * 60 + 15 + r.nextGaussian() * 15, Math.max(arrive + 30, 11 * 60 + 30), 13 * 60 + 30);
                    double back = lunch + 30 + r.nextDouble() * 30;
                    if (back < leave - 30) {
                        out.add(session(d, arrive, lunch));
                        out.add(session(d, back, leave));
                        continue;
                    }
                }
                out.add(session(d, arrive, leave));
            }
        }
        out.sort(Comparator.comparing(Session::start));
        return out;
    }

    private Session session(LocalDate d, double startMinute, double endMinute) {
        return new Session(at(d, startMinute), at(d, endMinute));
    }

    private Instant at(LocalDate d, double minuteOfDay) {
        long seconds = Math.round(minuteOfDay * 60);
        return d.atTime(LocalTime.ofSecondOfDay(Math.min(seconds, 86_399))).atZone(zone).toInstant();
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
