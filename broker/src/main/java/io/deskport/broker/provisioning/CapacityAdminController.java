package io.deskport.broker.provisioning;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.deskport.broker.brokering.SessionArrivals;
import io.deskport.broker.pools.DesktopPools;
import io.deskport.broker.pools.PoolKind;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.deskport.broker.shared.Versions.IfMatch;
import io.deskport.broker.shared.Versions.Versioned;
import io.deskport.broker.tenancy.Tenants;
import io.deskport.provisioning.demand.DemandModel;
import io.deskport.provisioning.demand.SpareTargets;
import io.deskport.provisioning.planner.SpareForecast;

/**
 * Tenant administration of capacity: a pool's capacity mode (FIXED spares or DEMAND between a floor and a cap; for a
 * SHARED pool, of session hosts kept open), with its measured ready time, the forecast the reconciler works from now and the day's forecast curve beside
 * the actual arrivals; and the tenant's holiday calendar.
 */
@RestController
@Validated
@RequestMapping("/api/v1/admin")
class CapacityAdminController {

    private final PoolCapacity capacity;
    private final DemandForecasts forecasts;
    private final SessionArrivals arrivals;
    private final Tenants tenants;
    private final ProvisioningProperties props;
    private final Reconciler reconciler;
    private final SharedPoolConsolidation consolidation;
    private final DesktopPools pools;

    CapacityAdminController(PoolCapacity capacity, DemandForecasts forecasts, SessionArrivals arrivals, Tenants tenants,
                            ProvisioningProperties props, Reconciler reconciler, SharedPoolConsolidation consolidation,
                            DesktopPools pools) {
        this.consolidation = consolidation;
        this.pools = pools;
        this.capacity = capacity;
        this.forecasts = forecasts;
        this.arrivals = arrivals;
        this.tenants = tenants;
        this.props = props;
        this.reconciler = reconciler;
    }

    /** What an admin sets; members left out keep their values. */
    record CapacitySpec(PoolCapacity.Mode mode, @Min(0) @Max(10_000) Integer floor, @Min(0) @Max(10_000) Integer cap,
                        @Min(1) @Max(12) Integer historyWeeks) {
    }

    /**
     * A pool's capacity: its settings; for DEMAND, the measured ready time and the forecast the reconciler works
     * from now ({@code forecast.explain} says it in words), and the local day's curve: the mean arrivals forecast
     * per 5-minute slot beside the arrivals so far ({@code slotMinutes} = 5, slot 0 = local midnight). For a SHARED
     * pool in DEMAND mode, {@code consolidation} is the last consolidation pass (hosts open and drained, and why) and
     * there is no spare forecast.
     */
    record CapacityView(UUID poolId, String poolKind, PoolCapacity.Mode mode, int floor, int cap, int historyWeeks,
                        Long readyTimeSeconds, SpareForecast forecast, String explain, Curve curve,
                        SharedPoolConsolidation.Report consolidation) {
    }

    /** The forecast and the actual arrivals of one local day, per slot. */
    record Curve(LocalDate day, String timeZone, String dayKind, int slotMinutes, double[] forecast, int[] actual) {
    }

    /**
     * A date of the calendar: {@code kind} HOLIDAY (the default) or WORKING_DAY, which names the weekday it works like
     * ({@code worksLike}, MONDAY…SUNDAY).
     */
    record HolidaySpec(@NotBlank @Size(max = 100) String label,
                       @jakarta.validation.constraints.Pattern(regexp = "HOLIDAY|WORKING_DAY") String kind,
                       @jakarta.validation.constraints.Pattern(regexp = "MONDAY|TUESDAY|WEDNESDAY|THURSDAY|FRIDAY|SATURDAY|SUNDAY")
                       String worksLike) {
    }

    @GetMapping("/pools/{poolId}/provisioning/capacity")
    ResponseEntity<CapacityView> get(AdminContext ctx, @PathVariable UUID poolId) {
        Versioned<PoolCapacity.Settings> s = capacity.get(ctx.tenantId(), poolId);
        return new Versioned<>(view(s.body()), s.version()).ok();
    }

    /**
     * Sets the pool's capacity mode, floor, cap and history, made from the version named in {@code If-Match}
     * ({@code "0"} for a pool that has none yet).
     */
    @PutMapping("/pools/{poolId}/provisioning/capacity")
    ResponseEntity<CapacityView> put(AdminContext ctx, @PathVariable UUID poolId,
                                     @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                     @Valid @RequestBody CapacitySpec b) {
        Versioned<PoolCapacity.Settings> s = capacity.put(ctx, poolId, new IfMatch(ifMatch),
                new PoolCapacity.Change(b.mode(), b.floor(), b.cap(), b.historyWeeks()));
        forecasts.forget(poolId);
        reconciler.wakeUp();
        return new Versioned<>(view(s.body()), s.version()).ok();
    }

    /** The tenant's holidays from {@code from} (default: today) to {@code to} (default: a year later). */
    @GetMapping("/capacity/holidays")
    List<PoolCapacity.Holiday> holidays(AdminContext ctx,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to) {
        LocalDate start = from != null ? from : forecasts.now().atZone(tenants.timeZone(ctx.tenantId())).toLocalDate();
        LocalDate end = to != null ? to : start.plusYears(1);
        if (end.isBefore(start) || end.isAfter(start.plusYears(5))) {
            throw new ProblemException(Reason.VALIDATION_FAILED, "to must be on or after from, at most five years later",
                    Map.of("from", start.toString(), "to", end.toString()));
        }
        return capacity.holidays(ctx.tenantId(), start, end);
    }

    /**
     * Names a date a holiday (the demand model learns and forecasts it apart from its weekday) or a working day (a day
     * normally off that is worked: learned and forecast like the weekday it works like).
     */
    @PutMapping("/capacity/holidays/{day}")
    PoolCapacity.Holiday putHoliday(AdminContext ctx, @PathVariable @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate day,
                                    @Valid @RequestBody HolidaySpec b) {
        String kind = b.kind() == null ? "HOLIDAY" : b.kind();
        if (kind.equals("WORKING_DAY") && b.worksLike() == null) {
            throw ProblemException.validation("worksLike", "a working day names the weekday it works like (worksLike)");
        }
        if (kind.equals("HOLIDAY") && b.worksLike() != null) {
            throw ProblemException.validation("worksLike", "a holiday works like no weekday: leave worksLike out");
        }
        PoolCapacity.Holiday h = capacity.putHoliday(ctx, day, b.label().strip(), kind, b.worksLike());
        forecasts.forget(null);
        return h;
    }

    @DeleteMapping("/capacity/holidays/{day}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void deleteHoliday(AdminContext ctx, @PathVariable @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate day) {
        capacity.deleteHoliday(ctx, day);
        forecasts.forget(null);
    }

    private CapacityView view(PoolCapacity.Settings s) {
        PoolKind kind = pools.get(s.tenantId(), s.poolId()).kind();
        if (s.mode() != PoolCapacity.Mode.DEMAND) {
            return new CapacityView(s.poolId(), kind.name(), s.mode(), s.floor(), s.cap(), s.historyWeeks(), null, null,
                    null, null, null);
        }
        Instant now = forecasts.now();
        DemandForecasts.Learned l = forecasts.learnedFor(s, now);
        Curve curve = curve(s, l.model(), now);
        if (kind == PoolKind.SHARED) {
            SharedPoolConsolidation.Report r = consolidation.report(s.poolId()).orElse(null);
            return new CapacityView(s.poolId(), kind.name(), s.mode(), s.floor(), s.cap(), s.historyWeeks(), null, null,
                    r == null ? "not consolidated yet: the reconciler looks at the pool within "
                            + SharedPoolConsolidation.EVERY.toSeconds() + " s" : r.explain(), curve, r);
        }
        SpareForecast f = SpareTargets.DEFAULT.forecast(l.model(), now, l.readyTime(), props.interval(), s.floor(), s.cap());
        return new CapacityView(s.poolId(), kind.name(), s.mode(), s.floor(), s.cap(), s.historyWeeks(),
                l.readyTime().toSeconds(), f, f.explain(), curve, null);
    }

    private Curve curve(PoolCapacity.Settings s, DemandModel model, Instant now) {
        ZoneId zone = model.zone();
        LocalDate day = now.atZone(zone).toLocalDate();
        ZonedDateTime start = day.atStartOfDay(zone);
        int[] actual = new int[DemandModel.SLOTS_PER_DAY];
        arrivals.per5Minutes(s.tenantId(), s.poolId(), start.toInstant(), now).forEach((bucket, n) -> {
            actual[DemandModel.slotOf(bucket.atZone(zone).toLocalTime())] += n;
        });
        return new Curve(day, zone.getId(), model.dayKind(now).name(), 5, model.curve(day), actual);
    }
}
