package io.deskport.broker.audit;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.deskport.broker.shared.AdminContext;

/** The tenant's audit trail for admins and help desk. */
@RestController
@RequestMapping("/api/v1/admin/audit")
@Validated
class AuditController {

    private final AuditTrail trail;

    AuditController(AuditTrail trail) {
        this.trail = trail;
    }

    @GetMapping
    List<AuditEntry> search(AdminContext ctx, @RequestParam(required = false) String objectType,
                            @RequestParam(required = false) String objectId, @RequestParam(required = false) String action,
                            @RequestParam(required = false) UUID actorId,
                            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant since,
                            @RequestParam(required = false) Long beforeId,
                            @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int limit) {
        return trail.search(ctx.tenantId(), new AuditTrail.Query(objectType, objectId, action, actorId, since, beforeId,
                limit));
    }
}
