package io.deskport.provisioning.demand;

import java.time.LocalDate;
import java.util.Set;

/**
 * The kinds of day a demand model learns a logon curve for: each weekday, and holidays (dates of the tenant's
 * calendar), which are learned apart and never mixed into their weekday's curve. A working day of the calendar (a day
 * normally off that is worked) counts as the weekday it works like.
 */
public enum DayKind {
    MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY, HOLIDAY;

    /** The kind of a local date: HOLIDAY if the calendar names it, else its weekday. */
    public static DayKind of(LocalDate date, Set<LocalDate> holidays) {
        return of(date, holidays, java.util.Map.of());
    }

    /**
     * The kind of a local date: HOLIDAY if the calendar names it a holiday, the weekday it works like if the calendar
     * names it a working day (a Saturday worked like a Monday), else its own weekday.
     */
    public static DayKind of(LocalDate date, Set<LocalDate> holidays, java.util.Map<LocalDate, DayKind> workingDays) {
        if (holidays.contains(date)) {
            return HOLIDAY;
        }
        DayKind like = workingDays.get(date);
        return like != null ? like : values()[date.getDayOfWeek().getValue() - 1];
    }
}
