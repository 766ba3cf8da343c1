package io.deskport.broker.poolsetup;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.stereotype.Service;

import io.deskport.broker.licensing.PoolLicences;
import io.deskport.broker.pools.DesktopPool;
import io.deskport.broker.pools.DesktopPools;
import io.deskport.broker.pools.Entitlement;
import io.deskport.broker.pools.Entitlements;
import io.deskport.broker.pools.NewPool;
import io.deskport.broker.pools.PoolKind;
import io.deskport.broker.provisioning.ProvisioningSetup;
import io.deskport.broker.provisioning.ProvisioningSpec;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.ConfigurationTransactional;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.ProblemResponses.FieldError;
import io.deskport.broker.shared.Reason;
import io.deskport.broker.shared.Versions.Versioned;

/**
 * Sets a new pool up whole, in one transaction: the pool, its provisioning (sizing, then its image published and
 * made current), the licence products it consumes, its entitlements. Each part goes through its owner's API — the
 * pool through {@link DesktopPools}, provisioning through {@link ProvisioningSetup}, licences through
 * {@link PoolLicences}, entitlements through {@link Entitlements} — whose transactions join this one, so each part
 * is checked and audited as its own admin call is ({@code POOL_CREATED}, {@code POOL_PROVISIONING_CONFIGURED},
 * {@code IMAGE_VERSION_PUBLISHED}, {@code IMAGE_VERSION_SET_CURRENT}, {@code POOL_LICENCE_PRODUCT_ADDED},
 * {@code ENTITLEMENT_GRANTED}); the first refusal rolls all of it back, audit lines included: no half-made pool.
 */
@Service
public class PoolSetup {

    private final DesktopPools pools;
    private final ProvisioningSetup provisioning;
    private final PoolLicences licences;
    private final Entitlements entitlements;

    PoolSetup(DesktopPools pools, ProvisioningSetup provisioning, PoolLicences licences, Entitlements entitlements) {
        this.pools = pools;
        this.provisioning = provisioning;
        this.licences = licences;
        this.entitlements = entitlements;
    }

    /** Who may use the new pool: users and groups of the tenant. */
    public record Grants(@Size(max = 1000) List<@NotNull UUID> userIds, @Size(max = 1000) List<@NotNull UUID> groupIds) {
    }

    /**
     * A whole pool.
     *
     * @param pool its kind and session policy
     * @param provisioning PERSISTENT and POOLED pools whose desktops Deskport creates: sizing, hardware and power
     *                     policy; null for a SHARED pool (session hosts) or desktops registered by address
     * @param image with provisioning: the image its desktops start from (null: published later)
     * @param licenceProductIds the licence products its sessions (or desktops) consume
     * @param entitlements who may use it
     */
    public record WholePool(@NotNull @Valid NewPool pool, @Valid ProvisioningSpec provisioning,
                          @Valid ProvisioningSetup.ImageSource image,
                          @Size(max = 100) List<@NotNull UUID> licenceProductIds, @Valid Grants entitlements) {
    }

    /**
     * The pool as set up.
     *
     * @param provisioning its provisioning's version and image, or null when it has none
     */
    public record SetUpPool(DesktopPool pool, ProvisioningSetup.Provisioned provisioning, List<UUID> licenceProductIds,
                            List<Entitlement> entitlements) {
    }

    /**
     * Sets the pool up, or nothing of it.
     *
     * @return the pool as set up, with the pool's version (its ETag)
     * @throws ProblemException VALIDATION_FAILED (provisioning for a SHARED pool, an image without provisioning, and
     *         every part's own checks), NOT_FOUND (a licence product, user, group or image version that is not the
     *         tenant's), CONFLICT (a pool of that name exists) — whatever a part refuses, nothing is kept
     */
    @ConfigurationTransactional
    public Versioned<SetUpPool> setUp(AdminContext ctx, WholePool r) {
        List<FieldError> errors = new ArrayList<>();
        if (r.provisioning() != null && r.pool().kind() == PoolKind.SHARED) {
            errors.add(new FieldError("provisioning", "a SHARED pool runs on session hosts: Deskport creates no desktops "
                    + "for it (leave provisioning out)", null));
        }
        if (r.image() != null && r.provisioning() == null) {
            errors.add(new FieldError("image", "an image is for desktops Deskport creates: set provisioning too", null));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Reason.VALIDATION_FAILED, errors.getFirst().field() + ": "
                    + errors.getFirst().message(), Map.of("errors", errors));
        }
        Versioned<DesktopPool> created = pools.create(ctx, r.pool().settings());
        UUID poolId = created.body().id();
        ProvisioningSetup.Provisioned provisioned = r.provisioning() == null ? null
                : provisioning.provisionNewPool(ctx, poolId, r.provisioning(), r.image());
        List<UUID> products = distinct(r.licenceProductIds());
        for (UUID product : products) {
            licences.add(ctx, poolId, product);
        }
        List<Entitlement> granted = new ArrayList<>();
        if (r.entitlements() != null) {
            for (UUID user : distinct(r.entitlements().userIds())) {
                granted.add(entitlements.grant(ctx, poolId, user, null));
            }
            for (UUID group : distinct(r.entitlements().groupIds())) {
                granted.add(entitlements.grant(ctx, poolId, null, group));
            }
        }
        return new Versioned<>(new SetUpPool(created.body(), provisioned, products, granted), created.version());
    }

    private static List<UUID> distinct(List<UUID> ids) {
        return ids == null ? List.of() : List.copyOf(new LinkedHashSet<>(ids));
    }
}
