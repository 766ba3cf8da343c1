package io.deskport.broker.metering;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import tools.jackson.databind.node.ObjectNode;

/**
 * A generated week of a tenant's activity in America/New_York around the end of daylight-saving time (the clocks go
 * back from 02:00 EDT to 01:00 EST on Sunday 2026-11-01, which is also the first of a month): sessions with their
 * connections, desktops of several sizes powered on and off, licence seats. The test's own model of it, the usage
 * events that describe it, and the roll-ups expected from it, computed here by plain interval arithmetic over the
 * model (not by the code under test).
 */
final class UsageWeek {

    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    static final Instant START = LocalDate.of(2026, 10, 28).atStartOfDay(NEW_YORK).toInstant();
    static final Instant END = LocalDate.of(2026, 11, 4).atStartOfDay(NEW_YORK).toInstant();

    /** A stretch of time, {@code [start, end)}. */
    record Span(Instant start, Instant end) {
    }

    record Session(UUID id, UUID pool, UUID user, String device, Span life, List<Span> connections) {
    }

    /** A desktop's size; null for an unmanaged desktop. */
    record Size(int vcpus, int memoryMiB, int diskMiB) {
    }

    /** A power change of a desktop: on or off. */
    record Power(Instant at, boolean on) {
    }

    record Desktop(UUID id, UUID pool, Size size, Span life, List<Power> power) {
    }

    record Seat(long id, UUID product, UUID user, Span held) {
    }

    /** An event to record: what {@link UsageRecorder#recordAt} is given. */
    record Event(UsageEventType type, Object subject, Instant time, ObjectNode data) {
    }

    final List<Session> sessions = new ArrayList<>();
    final List<Desktop> desktops = new ArrayList<>();
    final List<Seat> seats = new ArrayList<>();
    /** The seat whose release is recorded late (after its hours were rolled up). */
    final Seat lateSeat;
    /** The tenant's time zone: the days and months the expected figures are of. */
    final ZoneId zone;

    UsageWeek(long seed, int sessionCount, int seatCount) {
        this(seed, sessionCount, seatCount, NEW_YORK);
    }

    /** The same week (its times chosen in New York), its days and months counted in {@code zone}. */
    UsageWeek(long seed, int sessionCount, int seatCount, ZoneId zone) {
        this.zone = zone;
        Random rnd = new Random(seed);
        UUID[] pools = {UUID.randomUUID(), UUID.randomUUID()};
        UUID[] users = new UUID[12];
        for (int i = 0; i < users.length; i++) {
            users[i] = UUID.randomUUID();
        }
        long week = micros(START, END);
        for (int i = 0; i < sessionCount; i++) {
            Instant created = START.plus(random(rnd, week - hours(12)), ChronoUnit.MICROS);
            Instant ended = min(created.plus(minutes(rnd, 5, 600)), END.minusSeconds(1));
            sessions.add(session(rnd, pools[rnd.nextInt(2)], users[rnd.nextInt(users.length)],
                    rnd.nextInt(10) < 8 ? "device-" + rnd.nextInt(8) : null, created, ended));
        }
        // across the month's end and the night the clocks go back: 22:30 EDT on the 31st to 03:10 EST on the 1st,
        // connected from 23:00 EDT to the second 01:30 (EST)
        Instant lateNight = LocalDateTime.of(2026, 10, 31, 22, 30).atZone(NEW_YORK).toInstant();
        sessions.add(new Session(UUID.randomUUID(), pools[0], users[0], "device-0",
                new Span(lateNight, LocalDateTime.of(2026, 11, 1, 3, 10).atZone(NEW_YORK).toInstant()),
                List.of(new Span(lateNight.plus(Duration.ofMinutes(30)), Instant.parse("2026-11-01T06:30:00Z")))));
        // exactly the 1st of November, midnight to midnight (a day of 25 hours)
        sessions.add(new Session(UUID.randomUUID(), pools[1], users[1], null,
                new Span(LocalDate.of(2026, 11, 1).atStartOfDay(NEW_YORK).toInstant(),
                        LocalDate.of(2026, 11, 2).atStartOfDay(NEW_YORK).toInstant()), List.of()));

        Size[] sizes = {new Size(2, 4096, 40960), new Size(4, 8192, 81920), new Size(8, 16384, 163840), null};
        for (int i = 0; i < 7; i++) {
            Instant created = START.plus(random(rnd, hours(24)), ChronoUnit.MICROS);
            Instant deleted = END.minus(random(rnd, hours(24)), ChronoUnit.MICROS);
            List<Power> power = new ArrayList<>();
            int changes = 6 + rnd.nextInt(7);
            for (int c = 0; c < changes; c++) {
                power.add(new Power(created.plus(1 + random(rnd, micros(created, deleted) - 2), ChronoUnit.MICROS), rnd.nextBoolean()));
            }
            power.sort(Comparator.comparing(Power::at));
            if (i == 0) {
                // powered on twice in a row: the second changes nothing
                Instant first = created.plus(Duration.ofMinutes(1));
                power.addFirst(new Power(first.plus(Duration.ofMinutes(5)), true));
                power.addFirst(new Power(first, true));
            }
            desktops.add(new Desktop(UUID.randomUUID(), pools[i % 2], sizes[i % sizes.length], new Span(created, deleted), power));
        }

        UUID[] products = {UUID.randomUUID(), UUID.randomUUID()};
        long seatId = 1_000_000 + rnd.nextInt(1_000_000);
        for (int i = 0; i < seatCount; i++) {
            Instant taken = START.plus(random(rnd, week - hours(1)), ChronoUnit.MICROS);
            Instant released = min(taken.plus(minutes(rnd, 10, 2880)), END.minus(1, ChronoUnit.MICROS));
            seats.add(new Seat(seatId++, products[rnd.nextInt(2)], users[rnd.nextInt(users.length)], new Span(taken, released)));
        }
        lateSeat = new Seat(seatId, UUID.randomUUID(), users[2], new Span(Instant.parse("2026-10-30T08:00:00.250Z"),
                Instant.parse("2026-10-30T10:17:33.500001Z")));
        seats.add(lateSeat);
    }

    private Session session(Random rnd, UUID pool, UUID user, String device, Instant created, Instant ended) {
        List<Span> connections = new ArrayList<>();
        int n = rnd.nextInt(4);
        List<Instant> points = new ArrayList<>();
        for (int i = 0; i < 2 * n; i++) {
            points.add(created.plus(1 + random(rnd, micros(created, ended) - 2), ChronoUnit.MICROS));
        }
        points.sort(null);
        for (int i = 0; i + 1 < points.size(); i += 2) {
            boolean untilTheEnd = i + 2 == points.size() && rnd.nextBoolean(); // the last one ends with the session
            connections.add(new Span(points.get(i), untilTheEnd ? ended : points.get(i + 1)));
        }
        return new Session(UUID.randomUUID(), pool, user, device, new Span(created, ended), connections);
    }

    // ---- the events ----

    /** Every event of the week but the late seat's release, in time order. */
    List<Event> events() {
        List<Event> events = new ArrayList<>();
        for (Session s : sessions) {
            ObjectNode created = sessionData(s, null, "READY");
            if (s.device() != null) {
                created.put("deviceId", s.device());
            }
            events.add(new Event(UsageEventType.SESSION_CREATED, s.id(), s.life().start(), created));
            String state = "READY";
            for (Span c : s.connections()) {
                events.add(new Event(UsageEventType.SESSION_CONNECTED, s.id(), c.start(), sessionData(s, state, "CONNECTED")));
                state = "CONNECTED";
                if (!c.end().equals(s.life().end())) {
                    events.add(new Event(UsageEventType.SESSION_DISCONNECTED, s.id(), c.end(),
                            sessionData(s, state, "DISCONNECTED")));
                    state = "DISCONNECTED";
                }
            }
            events.add(new Event(UsageEventType.SESSION_ENDED, s.id(), s.life().end(), sessionData(s, state, "ENDED")
                    .put("reason", "LOGOFF")));
        }
        for (Desktop d : desktops) {
            events.add(new Event(UsageEventType.DESKTOP_CREATED, d.id(), d.life().start(), desktopData(d, null, "PROVISIONING")));
            for (Power p : d.power()) {
                events.add(new Event(p.on() ? UsageEventType.DESKTOP_POWERED_ON : UsageEventType.DESKTOP_POWERED_OFF, d.id(),
                        p.at(), desktopData(d, p.on() ? "STOPPED" : "READY", p.on() ? "READY" : "STOPPED")));
            }
            events.add(new Event(UsageEventType.DESKTOP_DELETED, d.id(), d.life().end(), desktopData(d, null, null)));
        }
        for (Seat s : seats) {
            events.add(new Event(UsageEventType.LICENCE_SEAT_TAKEN, s.id(), s.held().start(), seatData(s)));
            if (s != lateSeat) {
                events.add(lateRelease(s));
            }
        }
        events.sort(Comparator.comparing(Event::time));
        return events;
    }

    /** The release of a seat, with its own time. */
    Event lateRelease(Seat s) {
        return new Event(UsageEventType.LICENCE_SEAT_RELEASED, s.id(), s.held().end(), seatData(s)
                .put("takenAt", s.held().start().toString()).put("reason", "LOGOFF"));
    }

    private static ObjectNode sessionData(Session s, String from, String state) {
        ObjectNode d = UsageRecorder.data().put("sessionId", s.id().toString()).put("poolId", s.pool().toString())
                .put("userId", s.user().toString());
        if (from != null) {
            d.put("from", from);
        }
        return d.put("state", state);
    }

    private static ObjectNode desktopData(Desktop d, String from, String state) {
        ObjectNode data = UsageRecorder.data().put("desktopId", d.id().toString()).put("poolId", d.pool().toString())
                .put("from", from).put("state", state);
        if (d.size() == null) {
            data.putNull("size");
        } else {
            data.putObject("size").put("vcpus", d.size().vcpus()).put("memoryMiB", d.size().memoryMiB())
                    .put("diskMiB", d.size().diskMiB());
        }
        return data;
    }

    private static ObjectNode seatData(Seat s) {
        return UsageRecorder.data().put("seatId", s.id()).put("productId", s.product().toString()).put("model", "NAMED_USER")
                .put("holder", s.user().toString()).put("userId", s.user().toString());
    }

    // ---- the roll-ups expected ----

    /** A figure of a period, keyed as the export names it. */
    record Key(String granularity, Instant start, String metric, UUID pool, UUID user, UUID product, Integer vcpus,
               Integer memoryMiB, Integer diskMiB) {
    }

    /** The seconds figures, each summed over the part of every interval inside each period (in microseconds). */
    Map<Key, Long> expectedSeconds(boolean withLateRelease) {
        Map<Key, Long> micros = new TreeMap<>(Comparator.comparing(Key::toString));
        for (Session s : sessions) {
            add(micros, "SESSION_SECONDS", s.pool(), s.user(), null, null, s.life());
            for (Span c : s.connections()) {
                add(micros, "CONNECTED_SECONDS", s.pool(), s.user(), null, null, c);
            }
        }
        for (Desktop d : desktops) {
            // stopped from its creation; a power-on while running and a power-off while stopped change nothing
            boolean running = false;
            Instant since = d.life().start();
            for (Power p : d.power()) {
                if (p.on() != running) {
                    add(micros, running ? "DESKTOP_RUNNING_SECONDS" : "DESKTOP_STOPPED_SECONDS", d.pool(), null, null,
                            d.size(), new Span(since, p.at()));
                    running = p.on();
                    since = p.at();
                }
            }
            add(micros, running ? "DESKTOP_RUNNING_SECONDS" : "DESKTOP_STOPPED_SECONDS", d.pool(), null, null, d.size(),
                    new Span(since, d.life().end()));
        }
        for (Seat s : seats) {
            if (s == lateSeat && !withLateRelease) {
                continue; // held until now: counted by the caller where it looks
            }
            add(micros, "SEAT_SECONDS", null, null, s.product(), null, s.held());
        }
        micros.values().removeIf(v -> v == 0);
        return micros;
    }

    private void add(Map<Key, Long> into, String metric, UUID pool, UUID user, UUID product, Size size, Span span) {
        Integer vcpus = size == null ? null : size.vcpus();
        Integer memory = size == null ? null : size.memoryMiB();
        Integer disk = size == null ? null : size.diskMiB();
        for (Span period : periods("HOUR", span)) {
            into.merge(new Key("HOUR", period.start(), metric, pool, user, product, vcpus, memory, disk),
                    overlap(span, period), Long::sum);
        }
        for (Span period : periods("DAY", span)) {
            into.merge(new Key("DAY", period.start(), metric, pool, user, product, vcpus, memory, disk),
                    overlap(span, period), Long::sum);
        }
        for (Span period : periods("MONTH", span)) {
            into.merge(new Key("MONTH", period.start(), metric, pool, user, product, vcpus, memory, disk),
                    overlap(span, period), Long::sum);
        }
    }

    /** The hours (UTC), local days or local months that {@code span} touches. */
    List<Span> periods(String granularity, Span span) {
        List<Span> periods = new ArrayList<>();
        switch (granularity) {
            case "HOUR" -> {
                for (Instant h = span.start().truncatedTo(ChronoUnit.HOURS); h.isBefore(span.end()); h = h.plusSeconds(3600)) {
                    periods.add(new Span(h, h.plusSeconds(3600)));
                }
            }
            case "DAY" -> {
                for (LocalDate d = LocalDate.ofInstant(span.start(), zone); d.atStartOfDay(zone).toInstant()
                        .isBefore(span.end()); d = d.plusDays(1)) {
                    periods.add(new Span(d.atStartOfDay(zone).toInstant(), d.plusDays(1).atStartOfDay(zone).toInstant()));
                }
            }
            default -> {
                for (YearMonth m = YearMonth.from(LocalDate.ofInstant(span.start(), zone)); m.atDay(1)
                        .atStartOfDay(zone).toInstant().isBefore(span.end()); m = m.plusMonths(1)) {
                    periods.add(new Span(m.atDay(1).atStartOfDay(zone).toInstant(),
                            m.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant()));
                }
            }
        }
        return periods;
    }

    private static long overlap(Span a, Span b) {
        Instant s = a.start().isAfter(b.start()) ? a.start() : b.start();
        Instant e = a.end().isBefore(b.end()) ? a.end() : b.end();
        return Math.max(0, micros(s, e));
    }

    /**
     * The peak of concurrent sessions of each local day and month, by brute force: the count of sessions open at the
     * period's start and at every instant inside it that a session was created (only a creation raises the count).
     *
     * @return per period start: {peak, the first instant it was reached}
     */
    Map<Key, Object[]> expectedPeaks() {
        Map<Key, Object[]> peaks = new TreeMap<>(Comparator.comparing(Key::toString));
        for (String granularity : List.of("DAY", "MONTH")) {
            for (Span period : periods(granularity, new Span(START, END))) {
                List<Instant> candidates = new ArrayList<>();
                candidates.add(period.start());
                sessions.stream().map(s -> s.life().start())
                        .filter(t -> t.isAfter(period.start()) && t.isBefore(period.end())).sorted().forEach(candidates::add);
                int best = 0;
                Instant bestAt = null;
                for (Instant t : candidates) {
                    int open = 0;
                    for (Session s : sessions) {
                        if (!s.life().start().isAfter(t) && t.isBefore(s.life().end())) {
                            open++;
                        }
                    }
                    if (open > best) {
                        best = open;
                        bestAt = t;
                    }
                }
                if (best > 0) {
                    peaks.put(new Key(granularity, period.start(), "PEAK_SESSIONS", null, null, null, null, null, null),
                            new Object[] {best, bestAt});
                }
            }
        }
        return peaks;
    }

    /** Distinct users and devices with a session open during some part of each local day and month. */
    Map<Key, Long> expectedDistinct() {
        Map<Key, Long> counts = new TreeMap<>(Comparator.comparing(Key::toString));
        for (String granularity : List.of("DAY", "MONTH")) {
            for (Span period : periods(granularity, new Span(START, END))) {
                Set<UUID> users = new HashSet<>();
                Set<String> devices = new HashSet<>();
                for (Session s : sessions) {
                    if (overlap(s.life(), period) > 0) {
                        users.add(s.user());
                        if (s.device() != null) {
                            devices.add(s.device());
                        }
                    }
                }
                if (!users.isEmpty()) {
                    counts.put(new Key(granularity, period.start(), "DISTINCT_USERS", null, null, null, null, null, null),
                            (long) users.size());
                }
                if (!devices.isEmpty()) {
                    counts.put(new Key(granularity, period.start(), "DISTINCT_DEVICES", null, null, null, null, null, null),
                            (long) devices.size());
                }
            }
        }
        return counts;
    }

    /** Microseconds as the export writes seconds: {@code 12.5}, {@code 3600}. */
    static String seconds(long micros) {
        BigDecimal s = BigDecimal.valueOf(micros, 6).stripTrailingZeros();
        return (s.scale() < 0 ? s.setScale(0) : s).toPlainString();
    }

    private static long micros(Instant a, Instant b) {
        return ChronoUnit.MICROS.between(a, b);
    }

    private static long hours(int n) {
        return n * 3_600_000_000L;
    }

    private static Duration minutes(Random rnd, int least, int most) {
        return Duration.ofMinutes(least).plus(random(rnd, (most - least) * 60_000_000L), ChronoUnit.MICROS);
    }

    private static long random(Random rnd, long bound) {
        return (long) (rnd.nextDouble() * bound);
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
