package io.deskport.broker.metering;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.CsvTable;
import io.deskport.broker.shared.CsvTableConverter;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

/**
 * The usage roll-ups for billing systems and a tenant's finance team: per hour, local day or local month of the
 * tenant's time zone, as JSON or CSV ({@code Accept: text/csv}, or {@code ?format=csv}). Tenant admins read their
 * tenant's; a platform admin another tenant's with {@value AdminContext#TENANT_HEADER}, or every tenant's with
 * {@code allTenants=true}.
 */
@RestController
@RequestMapping("/api/v1/usage")
class UsageRollupController {

    private static final String JSON = MediaType.APPLICATION_JSON_VALUE;

    private final UsageRollupExport export;
    private final UsageCost cost;

    UsageRollupController(UsageRollupExport export, UsageCost cost) {
        this.export = export;
        this.cost = cost;
    }

    /**
     * What capacity cost against what it served, per pool, over the tenant's local days {@code from}..{@code to}
     * (both inclusive; default: the last 30 days): running and stopped VM-hours per desktop size against session-hours,
     * and running VM-hours per session-hour; from the daily roll-ups. JSON or CSV (one row per pool and size).
     */
    @GetMapping(path = "/cost", produces = {JSON, CsvTable.MEDIA_TYPE})
    @ApiResponse(responseCode = "400", ref = "BadRequest", description = "VALIDATION_FAILED: a bound that is not a day, "
            + "a range that ends before it starts or is longer than 400 days")
    ResponseEntity<UsageCost.CostReport> cost(AdminContext ctx,
            @Parameter(description = "The first local day", example = "2026-10-01") @RequestParam(required = false) String from,
            @Parameter(description = "The last local day (inclusive; default: today)", example = "2026-10-31")
            @RequestParam(required = false) String to,
            @Parameter(description = "Only this pool") @RequestParam(required = false) UUID poolId,
            @Parameter(description = CsvTableConverter.FORMAT_PARAMETER) @RequestParam(required = false) String format,
            HttpServletRequest request) {
        boolean csv = CsvTableConverter.csvAsked(format, request);
        UsageCost.CostReport report = cost.report(ctx.tenantId(), blankToNull(from), blankToNull(to), poolId);
        return ResponseEntity.ok().contentType(csv ? CsvTableConverter.CSV : MediaType.APPLICATION_JSON).body(report);
    }

    /**
     * The roll-up rows of the periods that start in a range: seconds of sessions and connections per pool and user,
     * of desktops running and stopped per pool and size, of licence seats per product (hours, days, months), and the
     * peak of concurrent sessions, distinct users and distinct devices (days, months). A figure that is zero has no
     * row. The range is local days ({@code 2026-11-01}, both inclusive) or instants (ISO-8601 with an offset, the end
     * exclusive); by default today's hours, the last 30 days, or the last 12 months. At most 400 days and 100,000 rows
     * at once.
     */
    @GetMapping(path = "/rollups", produces = {JSON, CsvTable.MEDIA_TYPE})
    @ApiResponse(responseCode = "200", description = "The roll-ups of the range", content = {
            @Content(mediaType = JSON, schema = @Schema(implementation = UsageRollupExport.UsageRollupReport.class)),
            @Content(mediaType = CsvTable.MEDIA_TYPE, schema = @Schema(type = "string", description = "The rows as CSV "
                    + "(RFC 4180: a header row, CRLF, times ISO-8601 with the tenant's offset), as an attachment named in "
                    + "Content-Disposition"))})
    @ApiResponse(responseCode = "400", ref = "BadRequest", description = "VALIDATION_FAILED: a bound that is neither a day "
            + "nor an instant, a range that ends before it starts or is longer than 400 days, more than 100,000 rows, an "
            + "unknown granularity, metric or format")
    @ApiResponse(responseCode = "404", ref = "NotFound", description = "NOT_FOUND: the tenant named in X-Deskport-Tenant")
    ResponseEntity<UsageRollupExport.UsageRollupReport> rollups(AdminContext ctx,
            @Parameter(description = "The first local day (the tenant's calendar), or the first instant", example = "2026-10-01")
            @RequestParam(required = false) String from,
            @Parameter(description = "The last local day (inclusive; default: today), or the end instant (exclusive)",
                    example = "2026-10-31") @RequestParam(required = false) String to,
            @Parameter(description = "`hour` (UTC hours, labelled with the tenant's wall clock), `day` or `month` (the "
                    + "tenant's local days and months)", schema = @Schema(allowableValues = {"hour", "day", "month"}))
            @RequestParam(defaultValue = "hour") String granularity,
            @Parameter(description = "Only these figures (SESSION_SECONDS, CONNECTED_SECONDS, DESKTOP_RUNNING_SECONDS, "
                    + "DESKTOP_STOPPED_SECONDS, SEAT_SECONDS, SNAPSHOT_SECONDS, PEAK_SESSIONS, DISTINCT_USERS, DISTINCT_DEVICES), repeated or "
                    + "comma-separated") @RequestParam(required = false) List<String> metric,
            @Parameter(description = "Only this pool's figures") @RequestParam(required = false) UUID poolId,
            @Parameter(description = "Only this user's figures") @RequestParam(required = false) UUID userId,
            @Parameter(description = "Only this licence product's figures") @RequestParam(required = false) UUID productId,
            @Parameter(description = "Platform admins: every tenant's rows") @RequestParam(defaultValue = "false") boolean allTenants,
            @Parameter(description = CsvTableConverter.FORMAT_PARAMETER) @RequestParam(required = false) String format,
            HttpServletRequest request) {
        boolean csv = CsvTableConverter.csvAsked(format, request);
        UsageRollupExport.UsageRollupReport report = export.read(new UsageRollupExport.Request(
                UsageController.tenantOf(ctx, allTenants), granularity(granularity), blankToNull(from), blankToNull(to),
                metrics(metric), poolId, userId, productId));
        return ResponseEntity.ok().contentType(csv ? CsvTableConverter.CSV : MediaType.APPLICATION_JSON).body(report);
    }

    private static UsageRollupGranularity granularity(String value) {
        try {
            return UsageRollupGranularity.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw UsageRollupExport.invalid("granularity", "must be hour, day or month", shortened(value));
        }
    }

    private static Set<UsageMetric> metrics(List<String> names) {
        Set<UsageMetric> metrics = EnumSet.noneOf(UsageMetric.class);
        if (names == null) {
            return metrics;
        }
        for (String name : names) {
            for (String one : name.split(",")) {
                if (one.isBlank()) {
                    continue;
                }
                try {
                    metrics.add(UsageMetric.valueOf(one.strip().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw UsageRollupExport.invalid("metric", "must be one of " + EnumSet.allOf(UsageMetric.class),
                            shortened(one.strip()));
                }
            }
        }
        return metrics;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static String shortened(String value) {
        return value.length() > 200 ? value.substring(0, 200) + "…" : value;
    }
}
