package io.deskport.broker.metering;

/**
 * The figures of the usage roll-ups. The seconds are exact (to the microsecond the event log keeps) and broken
 * down as named; the counts are per local day and month only.
 */
public enum UsageMetric {
    /** Seconds sessions existed (from session.created to session.ended), per pool and user. */
    SESSION_SECONDS(Unit.SECONDS),
    /** Seconds sessions were connected (from each connect to the disconnect or end), per pool and user. */
    CONNECTED_SECONDS(Unit.SECONDS),
    /** Seconds desktops ran (from a power-on to the power-off or deletion), per pool and size (none: unmanaged). */
    DESKTOP_RUNNING_SECONDS(Unit.SECONDS),
    /** Seconds desktops existed powered off (created or powered off, until powered on or deleted), per pool and size. */
    DESKTOP_STOPPED_SECONDS(Unit.SECONDS),
    /**
     * Seconds snapshots of desktops were kept (from snapshot.created to snapshot.deleted), per pool and size: the
     * row's {@code diskMiB} is the snapshot's size, so snapshot-GB-hours = value × diskMiB / 1024 / 3600.
     */
    SNAPSHOT_SECONDS(Unit.SECONDS),
    /** Seconds licence seats were held (from taken to released), per product. */
    SEAT_SECONDS(Unit.SECONDS),
    /** The most sessions open at one instant (days and months), with the first instant it was reached. */
    PEAK_SESSIONS(Unit.COUNT),
    /** Users with a session open during some part of the day or month. */
    DISTINCT_USERS(Unit.COUNT),
    /** Client devices (named at session.created) with a session open during some part of the day or month. */
    DISTINCT_DEVICES(Unit.COUNT);

    /** What a figure counts. */
    public enum Unit {
        /** Seconds (a decimal with up to six places). */
        SECONDS,
        /** A whole number. */
        COUNT
    }

    private final Unit unit;

    UsageMetric(Unit unit) {
        this.unit = unit;
    }

    /** @return what the figure counts */
    public Unit unit() {
        return unit;
    }
}
