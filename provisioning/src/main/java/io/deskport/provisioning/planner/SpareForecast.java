package io.deskport.provisioning.planner;

import java.time.Duration;
import java.util.Objects;

/**
 * The spare target a pool's demand model sets for one planning cycle, with the numbers behind it, so that every
 * spare the planner starts or stops can be explained.
 *
 * @param expectedArrivals logons the model expects in the window (a mean; may be fractional)
 * @param window           how far ahead the forecast looks: the measured ready time plus the reconcile interval
 * @param readyTime        the measured time to make a desktop ready (p90 of recent clones, starts, refreshes)
 * @param dayKind          what kind of day the window starts on ({@code MONDAY}…{@code SUNDAY}, {@code HOLIDAY})
 * @param spareTarget      ready (or becoming ready) spares to keep: the forecast with its safety margin, clamped
 * @param floor            the admin's floor: never fewer spares
 * @param cap              the admin's cap: never more spares
 * @param todayFactor      the same-day correction the forecast carries: today's arrivals so far against its usual curve
 *                         (1 when today runs as usual)
 */
public record SpareForecast(double expectedArrivals, Duration window, Duration readyTime, String dayKind,
                            int spareTarget, int floor, int cap, double todayFactor) {

    /** A forecast without same-day correction. */
    public SpareForecast(double expectedArrivals, Duration window, Duration readyTime, String dayKind, int spareTarget,
                         int floor, int cap) {
        this(expectedArrivals, window, readyTime, dayKind, spareTarget, floor, cap, 1);
    }

    public SpareForecast {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(readyTime, "readyTime");
        if (spareTarget < 0 || floor < 0 || cap < floor) {
            throw new IllegalArgumentException("needs 0 <= floor <= cap and spareTarget >= 0");
        }
    }

    /** For people: "forecast 14 logons in the next 10 min, ready time 95 s (MONDAY): 22 spares (floor 2, cap 60)". */
    public String explain() {
        return "forecast " + String.format(java.util.Locale.ROOT, "%.1f", expectedArrivals) + " logons in the next "
                + minutes(window) + ", ready time " + readyTime.toSeconds() + " s (" + dayKind + today() + "): "
                + spareTarget + " spares (floor " + floor + ", cap " + cap + ")";
    }

    /** ", today running 40% above its usual", or nothing when today runs as usual. */
    private String today() {
        if (todayFactor == 1) {
            return "";
        }
        long percent = Math.round(Math.abs(todayFactor - 1) * 100);
        return ", today running " + percent + "% " + (todayFactor > 1 ? "above" : "below") + " its usual";
    }

    private static String minutes(Duration d) {
        long s = d.toSeconds();
        return s % 60 == 0 ? (s / 60) + " min" : String.format(java.util.Locale.ROOT, "%.1f min", s / 60.0);
    }
}
