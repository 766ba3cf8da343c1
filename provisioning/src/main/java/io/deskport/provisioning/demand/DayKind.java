package io.deskport.provisioning.demand;

import java.time.LocalDate;
import java.util.Set;

/**
 * The kinds of day a demand model learns a logon curve for: each weekday, and holidays (dates of the tenant's
 * calendar), which are learned apart and never mixed into their weekday's curve.
 */
public enum DayKind {
    MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY, HOLIDAY;

    /** The kind of a local date: HOLIDAY if the calendar names it, else its weekday. */
    public static DayKind of(LocalDate date, Set<LocalDate> holidays) {
        return holidays.contains(date) ? HOLIDAY : values()[date.getDayOfWeek().getValue() - 1];
    }
}
