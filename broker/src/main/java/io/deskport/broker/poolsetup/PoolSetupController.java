package io.deskport.broker.poolsetup;

import java.util.UUID;

import jakarta.validation.Valid;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.deskport.broker.provisioning.Reconciler;
import io.deskport.broker.shared.AdminContext;

/** Tenant administration of whole pools: a pool set up in one call, and what disabling or removing one would do. */
@RestController
@RequestMapping("/api/v1/admin/pools")
class PoolSetupController {

    private final PoolSetup setup;
    private final PoolImpacts impacts;
    private final Reconciler reconciler;

    PoolSetupController(PoolSetup setup, PoolImpacts impacts, Reconciler reconciler) {
        this.setup = setup;
        this.impacts = impacts;
        this.reconciler = reconciler;
    }

    /**
     * Creates a pool with its provisioning (sizing and image), the licence products it consumes and its
     * entitlements, all or nothing: a part refused (a licence product, user, group or image that is not the tenant's,
     * a file outside its image directory, sizes that do not fit) leaves no pool. Answered with the pool's ETag.
     */
    @PostMapping("/setup")
    ResponseEntity<PoolSetup.SetUpPool> setUp(AdminContext ctx, @Valid @RequestBody PoolSetup.WholePool b) {
        ResponseEntity<PoolSetup.SetUpPool> answer = setup.setUp(ctx, b).created();
        if (b.provisioning() != null) {
            reconciler.wakeUp(); // committed: the reconciler starts filling the pool
        }
        return answer;
    }

    /**
     * What disabling and removing the pool would do now, in figures: the sessions that go on or end, the desktops
     * kept or removed (and their machines deleted), session hosts, entitlements, licence seats given back.
     */
    @GetMapping("/{id}/impact")
    PoolImpacts.PoolImpact impact(AdminContext ctx, @PathVariable UUID id) {
        return impacts.of(ctx.tenantId(), id);
    }
}
