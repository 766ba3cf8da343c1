package io.deskport.broker.audit;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;

import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.ResponseEntity;

import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.PageParams;

/** The tenant's audit trail for admins and help desk. */
@RestController
@RequestMapping("/api/v1/admin/audit")
@Validated
class AuditController {

    private final AuditTrail trail;

    AuditController(AuditTrail trail) {
        this.trail = trail;
    }

    /**
     * Filters of the trail: {@code objectType}, {@code objectId}, {@code action}, {@code actorId},
     * {@code since}/{@code until} (recorded in that range).
     */
    record AuditQuery(@Size(max = 100) String objectType, @Size(max = 100) String objectId, @Size(max = 100) String action,
                      UUID actorId, @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant since,
                      @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant until) {
    }

    /** The tenant's trail, a page at a time, newest first (sort keys {@code id}, default {@code -id}, and {@code occurredAt}). */
    @GetMapping
    ResponseEntity<List<AuditEntry>> search(AdminContext ctx, @ParameterObject @Valid AuditQuery q,
                                            @ParameterObject @Valid PageParams page) {
        return trail.page(ctx.tenantId(), new AuditTrail.Query(q.objectType(), q.objectId(), q.action(), q.actorId(),
                q.since(), q.until()), page).ok();
    }
}
