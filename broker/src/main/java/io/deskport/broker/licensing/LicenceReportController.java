package io.deskport.broker.licensing;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;

import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.CsvTable;
import io.deskport.broker.shared.CsvTableConverter;
import io.deskport.broker.shared.PageParams;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

/**
 * The licence compliance reports (tenant admins; a platform admin in another tenant with
 * {@value AdminContext#TENANT_HEADER}), each as JSON or as CSV: {@code Accept: text/csv}, or {@code ?format=csv}
 * for a link a browser follows (see {@link CsvTable}). Days, months and times are the tenant's time zone's. A bad
 * input, an unknown product or another tenant's is problem+json in either form.
 */
@RestController
@RequestMapping("/api/v1/admin/licence-reports")
class LicenceReportController {

    private static final String JSON = MediaType.APPLICATION_JSON_VALUE;
    private static final String CSV_FORM = "The report as CSV (RFC 4180: a header row, CRLF, times ISO-8601 with the tenant's "
            + "offset), as an attachment named in Content-Disposition";
    private static final String FORMAT = CsvTableConverter.FORMAT_PARAMETER;
    private static final String NO_PRODUCT = "NOT_FOUND: no such licence product in the tenant";

    private final LicenceReports reports;

    LicenceReportController(LicenceReports reports) {
        this.reports = reports;
    }

    /** The seats in use now per product, with the licence in force (seats, enforcement, margin, validity). */
    @GetMapping(path = "/usage", produces = {JSON, CsvTable.MEDIA_TYPE})
    @ApiResponse(responseCode = "200", description = "The seats in use now", content = {
            @Content(mediaType = JSON, schema = @Schema(implementation = LicenceReports.LicenceUsageReport.class)),
            @Content(mediaType = CsvTable.MEDIA_TYPE, schema = @Schema(type = "string", description = CSV_FORM))})
    ResponseEntity<LicenceReports.LicenceUsageReport> usage(AdminContext ctx,
                                                     @Parameter(description = FORMAT) @RequestParam(required = false) String format,
                                                     HttpServletRequest request) {
        boolean csv = csv(format, request);
        return answer(reports.usage(ctx.tenantId()), csv);
    }

    /**
     * The peak of concurrent use of a product per local day or month of the tenant's time zone, from {@code from}
     * to {@code to} (dates, both inclusive, at most 400 days; by default the last 30 days, or 12 months), computed
     * exactly from the seat history.
     */
    @GetMapping(path = "/peaks", produces = {JSON, CsvTable.MEDIA_TYPE})
    @ApiResponse(responseCode = "200", description = "The peak of each day or month", content = {
            @Content(mediaType = JSON, schema = @Schema(implementation = LicenceReports.LicencePeakReport.class)),
            @Content(mediaType = CsvTable.MEDIA_TYPE, schema = @Schema(type = "string", description = CSV_FORM))})
    @ApiResponse(responseCode = "404", ref = "NotFound", description = NO_PRODUCT)
    ResponseEntity<LicenceReports.LicencePeakReport> peaks(AdminContext ctx, @RequestParam UUID productId,
                                                    @Parameter(description = "The first day (the tenant's calendar)",
                                                            example = "2026-10-01")
                                                    @RequestParam(required = false) String from,
                                                    @Parameter(description = "The last day, inclusive (default: today)",
                                                            example = "2026-10-31")
                                                    @RequestParam(required = false) String to,
                                                    @RequestParam(defaultValue = "DAY") LicenceReports.PeakPeriod period,
                                                    @Parameter(description = FORMAT) @RequestParam(required = false) String format,
                                                    HttpServletRequest request) {
        boolean csv = csv(format, request);
        return answer(reports.peaks(ctx.tenantId(), productId, date("from", from), date("to", to), period), csv);
    }

    /**
     * The users, devices and desktops holding a seat now, with their last use, a page at a time (sort:
     * {@code lastUsedAt} (default), {@code takenAt}, {@code holder}); the CSV form has them all.
     */
    @GetMapping(path = "/holders", produces = {JSON, CsvTable.MEDIA_TYPE})
    @ApiResponse(responseCode = "200", description = "A page of the seats held (Link rel=\"next\" and X-Total-Count as "
            + "every list); the CSV form: all of them", content = {
            @Content(mediaType = JSON, array = @ArraySchema(schema = @Schema(implementation = LicenceReports.LicenceHolder.class))),
            @Content(mediaType = CsvTable.MEDIA_TYPE, schema = @Schema(type = "string", description = CSV_FORM))})
    @ApiResponse(responseCode = "404", ref = "NotFound", description = NO_PRODUCT)
    ResponseEntity<List<LicenceReports.LicenceHolder>> holders(AdminContext ctx,
                                                               @Parameter(description = "Only this product's (default: "
                                                                       + "every product's)")
                                                               @RequestParam(required = false) UUID productId,
                                                               @Parameter(description = FORMAT)
                                                               @RequestParam(required = false) String format,
                                                               @ParameterObject @Valid PageParams page,
                                                               HttpServletRequest request) {
        if (csv(format, request)) {
            return answer(reports.allHolders(ctx.tenantId(), productId, page.sort()), true);
        }
        return reports.holders(ctx.tenantId(), productId, page).ok();
    }

    /**
     * The periods when more seats of a product were in use than its licence had, overlapping the local days
     * {@code from} to {@code to} (by default the last 30 days): start, end (none while it lasts), duration, seats,
     * peak excess and when it was reached.
     */
    @GetMapping(path = "/overuse", produces = {JSON, CsvTable.MEDIA_TYPE})
    @ApiResponse(responseCode = "200", description = "The periods of overuse", content = {
            @Content(mediaType = JSON, schema = @Schema(implementation = LicenceReports.LicenceOveruseReport.class)),
            @Content(mediaType = CsvTable.MEDIA_TYPE, schema = @Schema(type = "string", description = CSV_FORM))})
    @ApiResponse(responseCode = "404", ref = "NotFound", description = NO_PRODUCT)
    ResponseEntity<LicenceReports.LicenceOveruseReport> overuse(AdminContext ctx, @RequestParam UUID productId,
                                                         @Parameter(description = "The first day (the tenant's calendar)",
                                                                 example = "2026-10-01")
                                                         @RequestParam(required = false) String from,
                                                         @Parameter(description = "The last day, inclusive (default: today)",
                                                                 example = "2026-10-31")
                                                         @RequestParam(required = false) String to,
                                                         @Parameter(description = FORMAT)
                                                         @RequestParam(required = false) String format,
                                                         HttpServletRequest request) {
        boolean csv = csv(format, request);
        return answer(reports.overuse(ctx.tenantId(), productId, date("from", from), date("to", to)), csv);
    }

    /** The licences whose validity ends within {@code withinDays} days (0 to 3650), and those in their grace period. */
    @GetMapping(path = "/expiring", produces = {JSON, CsvTable.MEDIA_TYPE})
    @ApiResponse(responseCode = "200", description = "The licences expiring or in their grace period", content = {
            @Content(mediaType = JSON, schema = @Schema(implementation = LicenceReports.LicenceExpiryReport.class)),
            @Content(mediaType = CsvTable.MEDIA_TYPE, schema = @Schema(type = "string", description = CSV_FORM))})
    ResponseEntity<LicenceReports.LicenceExpiryReport> expiring(AdminContext ctx,
                                                         @Parameter(description = "Days ahead, 0 to 3650")
                                                         @RequestParam(defaultValue = "90") int withinDays,
                                                         @Parameter(description = FORMAT)
                                                         @RequestParam(required = false) String format,
                                                         HttpServletRequest request) {
        boolean csv = csv(format, request);
        return answer(reports.expiring(ctx.tenantId(), withinDays), csv);
    }

    /** The answer in the form chosen, named so that neither Spring's negotiation nor the report's type decide it. */
    private static <T> ResponseEntity<T> answer(T report, boolean csv) {
        return ResponseEntity.ok().contentType(csv ? CsvTableConverter.CSV : MediaType.APPLICATION_JSON).body(report);
    }

    /** Whether the client asked for CSV (see {@link CsvTableConverter#csvAsked}). */
    static boolean csv(String format, HttpServletRequest request) {
        return CsvTableConverter.csvAsked(format, request);
    }

    /** A date of the tenant's calendar, {@code 2026-10-25}; null when left out. */
    static LocalDate date(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            LocalDate d = LocalDate.parse(value.strip());
            if (d.getYear() >= 1970 && d.getYear() <= 9999) {
                return d;
            }
        } catch (DateTimeParseException e) {
            // answered below
        }
        throw LicenceReports.invalid(field, "must be a date like 2026-10-25 (ISO-8601, years 1970 to 9999)",
                shortened(value));
    }

    private static String shortened(String value) {
        return value.length() > 200 ? value.substring(0, 200) + "…" : value;
    }
}
