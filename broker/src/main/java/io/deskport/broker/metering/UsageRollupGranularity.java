package io.deskport.broker.metering;

/** The periods the usage roll-ups are kept per. */
public enum UsageRollupGranularity {
    /** A UTC hour, labelled with the tenant's wall clock at its start (so a DST day has 23 or 25 of them). */
    HOUR,
    /** A local day of the tenant's time zone, midnight to midnight (23, 24 or 25 hours long). */
    DAY,
    /** A local month of the tenant's time zone. */
    MONTH
}
