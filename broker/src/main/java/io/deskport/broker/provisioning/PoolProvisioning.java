package io.deskport.broker.provisioning;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.pools.DesktopPool;
import io.deskport.broker.pools.DesktopPools;
import io.deskport.broker.pools.PoolKind;
import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.Listing;
import io.deskport.broker.shared.Page;
import io.deskport.broker.shared.PageParams;
import io.deskport.broker.shared.Versions;
import io.deskport.broker.shared.Versions.IfMatch;
import io.deskport.broker.shared.Versions.Versioned;
import io.deskport.broker.shared.Ids;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.deskport.provisioning.driver.HardwareProfile;

/**
 * What provisioning keeps per pool: sizing (min, max, spare target), hardware, the power policy, and
 * the published image versions with the current and previous one (publish, set current, roll back,
 * update persistent desktops on command). A pool without these settings is not provisioned.
 */
@Service
class PoolProvisioning {

    private static final String COLUMNS = "pool_id, tenant_id, enabled, min_size, max_size, spare_target, vcpus, "
            + "memory_mib, disk_mib, video, stop_after_disconnected_s, current_image_id, previous_image_id, rolled_back, "
            + "update_persistent, last_exhausted_at, exhausted_refusals, updated_at, anti_affinity";
    private static final String IMAGE_COLUMNS = "id, tenant_id, pool_id, label, golden_disk_path, kernel_path, "
            + "initrd_path, kernel_cmdline, published_by, published_at";

    private final JdbcClient jdbc;
    private final DesktopPools pools;
    private final ApplicationEventPublisher events;
    private final ImageFiles imageFiles;

    PoolProvisioning(JdbcClient jdbc, DesktopPools pools, ApplicationEventPublisher events, ImageFiles imageFiles) {
        this.jdbc = jdbc;
        this.pools = pools;
        this.events = events;
        this.imageFiles = imageFiles;
    }

    /**
     * A pool's provisioning settings.
     *
     * @param stopAfterDisconnectedSeconds power policy of PERSISTENT pools: stop a desktop after its user
     *                                     has been disconnected this long (null: never)
     * @param rolledBack                   desktops run the previous image until a current one is set again
     * @param updatePersistent             the admin commanded that assigned persistent desktops move to
     *                                     the target image too
     */
    record Settings(UUID poolId, UUID tenantId, boolean enabled, int minSize, int maxSize, int spareTarget, int vcpus,
                    int memoryMiB, int diskMiB, String video, Integer stopAfterDisconnectedSeconds,
                    UUID currentImageId, UUID previousImageId, boolean rolledBack, boolean updatePersistent,
                    Instant lastExhaustedAt, int exhaustedRefusals, Instant updatedAt, boolean antiAffinity) {

        HardwareProfile hardware() {
            return new HardwareProfile(vcpus, memoryMiB, diskMiB, video);
        }

        Duration stopAfter() {
            return stopAfterDisconnectedSeconds == null ? null : Duration.ofSeconds(stopAfterDisconnectedSeconds);
        }

        /** The image desktops should run: the previous one after a rollback. */
        UUID targetImageId() {
            return rolledBack ? previousImageId : currentImageId;
        }
    }

    /** What an admin sets; null members keep their value (or take the default on first set). */
    record SettingsSpec(Boolean enabled, Integer minSize, Integer maxSize, Integer spareTarget, Integer vcpus,
                        Integer memoryMiB, Integer diskMiB, String video, Integer stopAfterDisconnectedSeconds,
                        Boolean antiAffinity) {

        SettingsSpec(Boolean enabled, Integer minSize, Integer maxSize, Integer spareTarget, Integer vcpus,
                     Integer memoryMiB, Integer diskMiB, String video, Integer stopAfterDisconnectedSeconds) {
            this(enabled, minSize, maxSize, spareTarget, vcpus, memoryMiB, diskMiB, video, stopAfterDisconnectedSeconds,
                    null);
        }
    }

    /** An image version to publish. */
    record ImageSpec(String label, String goldenDiskPath, String kernelPath, String initrdPath, String kernelCmdline) {
    }

    @Transactional(readOnly = true)
    Optional<Settings> find(UUID tenantId, UUID poolId) {
        return jdbc.sql("select " + COLUMNS + " from pool_provisioning where tenant_id = ? and pool_id = ?")
                .params(tenantId, poolId).query(PoolProvisioning::map).optional();
    }

    Settings require(UUID tenantId, UUID poolId) {
        pools.get(tenantId, poolId);
        return find(tenantId, poolId).orElseThrow(() -> new ProblemException(Reason.INVALID_STATE,
                "Pool " + poolId + " is not provisioned yet; set its provisioning settings first "
                        + "(PUT /api/v1/admin/pools/" + poolId + "/provisioning)", Map.of("poolId", poolId)));
    }

    /** Every enabled provisioned pool of every tenant, for the reconciler. */
    @Transactional(readOnly = true)
    List<Settings> allEnabled() {
        return jdbc.sql("select " + COLUMNS + " from pool_provisioning where enabled").query(PoolProvisioning::map).list();
    }

    @Transactional(readOnly = true)
    Map<UUID, PublishedImage> images(Collection<UUID> ids) {
        Map<UUID, PublishedImage> result = new HashMap<>();
        if (!ids.isEmpty()) {
            jdbc.sql("select " + IMAGE_COLUMNS + " from image_version where id = any(?)")
                    .param(ids.toArray(UUID[]::new)).query(PoolProvisioning::mapImage).list()
                    .forEach(i -> result.put(i.id(), i));
        }
        return result;
    }

    private static final Listing<PublishedImage> IMAGES = Listing.of(IMAGE_COLUMNS, "image_version", "id",
                    Listing.Kind.UUID, PoolProvisioning::mapImage)
            .sort("publishedAt", "published_at", Listing.Kind.TIME).sort("label", "label", Listing.Kind.TEXT)
            .defaultSort("-publishedAt").build();

    /**
     * A page of the tenant's image versions, of one pool or of all (sort keys {@code publishedAt}, default newest
     * first, and {@code label}); {@code q}: words in the label or the golden disk's path.
     */
    @Transactional(readOnly = true)
    Page<PublishedImage> pageImages(UUID tenantId, UUID poolId, String q, PageParams page) {
        return IMAGES.page(jdbc, Listing.Where.of("tenant_id = ?", tenantId).and("pool_id = ?", poolId)
                .text(q, "label", "golden_disk_path"), page);
    }

    /** @return the version of the pool's provisioning settings (0 while it has none): the ETag of its answers */
    @Transactional(readOnly = true)
    long version(UUID poolId) {
        return jdbc.sql("select version from pool_provisioning where pool_id = ?").param(poolId).query(Long.class)
                .optional().orElse(0L);
    }

    /**
     * Creates or changes a pool's provisioning settings (members left null keep their values), made from the
     * version {@code ifMatch} names.
     *
     * @throws ProblemException INVALID_STATE for SHARED pools, VALIDATION_FAILED when min > max,
     *         PRECONDITION_REQUIRED and STALE_VERSION (see {@link Versions})
     */
    @Transactional
    Versioned<Settings> put(AdminContext ctx, UUID poolId, IfMatch ifMatch, SettingsSpec s) {
        DesktopPool pool = pools.get(ctx.tenantId(), poolId);
        if (pool.kind() == PoolKind.SHARED) {
            throw new ProblemException(Reason.INVALID_STATE, "A SHARED pool runs on session hosts; provisioning "
                    + "creates desktops for PERSISTENT and POOLED pools only", Map.of("poolKind", pool.kind()));
        }
        // version 0: not configured yet; each change raises it (the first makes it 1), under the row's lock
        long version = jdbc.sql("select version from pool_provisioning where pool_id = ? for update").param(poolId)
                .query(Long.class).optional().orElse(0L);
        ifMatch.check("Pool provisioning", poolId, version);
        Optional<Settings> old = find(ctx.tenantId(), poolId);
        int min = pick(s.minSize(), old.map(Settings::minSize), 0);
        int max = pick(s.maxSize(), old.map(Settings::maxSize), Math.max(min, 1));
        if (min > max) {
            throw new ProblemException(Reason.VALIDATION_FAILED, "minSize (" + min + ") must not exceed maxSize (" + max + ")",
                    Map.of("minSize", min, "maxSize", max));
        }
        int spare = pick(s.spareTarget(), old.map(Settings::spareTarget), 0);
        int vcpus = pick(s.vcpus(), old.map(Settings::vcpus), 2);
        int memory = pick(s.memoryMiB(), old.map(Settings::memoryMiB), 4096);
        int disk = pick(s.diskMiB(), old.map(Settings::diskMiB), 40960);
        String video = s.video() != null ? s.video() : old.map(Settings::video).orElse("vga");
        boolean enabled = s.enabled() != null ? s.enabled() : old.map(Settings::enabled).orElse(true);
        Integer stopAfter = s.stopAfterDisconnectedSeconds() != null
                ? (s.stopAfterDisconnectedSeconds() < 0 ? null : s.stopAfterDisconnectedSeconds())
                : old.map(Settings::stopAfterDisconnectedSeconds).orElse(null);
        boolean antiAffinity = s.antiAffinity() != null ? s.antiAffinity()
                : old.map(Settings::antiAffinity).orElse(false);
        if (stopAfter != null && pool.kind() != PoolKind.PERSISTENT) {
            throw new ProblemException(Reason.VALIDATION_FAILED, "The power policy (stopAfterDisconnectedSeconds) "
                    + "applies to PERSISTENT pools; pooled desktops are refreshed after logoff instead",
                    Map.of("poolKind", pool.kind()));
        }
        int changed = jdbc.sql("insert into pool_provisioning (pool_id, tenant_id, enabled, min_size, max_size, "
                        + "spare_target, vcpus, memory_mib, disk_mib, video, stop_after_disconnected_s, anti_affinity, "
                        + "version) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) "
                        + "on conflict (pool_id) do update set enabled = excluded.enabled, min_size = excluded.min_size, "
                        + "max_size = excluded.max_size, spare_target = excluded.spare_target, vcpus = excluded.vcpus, "
                        + "memory_mib = excluded.memory_mib, disk_mib = excluded.disk_mib, video = excluded.video, "
                        + "stop_after_disconnected_s = excluded.stop_after_disconnected_s, "
                        + "anti_affinity = excluded.anti_affinity, updated_at = now(), "
                        + "version = pool_provisioning.version + 1 where pool_provisioning.version = ?")
                .params(poolId, ctx.tenantId(), enabled, min, max, spare, vcpus, memory, disk, video, stopAfter, antiAffinity,
                        version)
                .update();
        if (changed == 0) {
            // configured by someone else between our read of "none" and our insert
            throw Versions.stale("Pool provisioning", poolId, null);
        }
        Settings now = find(ctx.tenantId(), poolId).orElseThrow();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("enabled", enabled);
        d.put("minSize", min);
        d.put("maxSize", max);
        d.put("spareTarget", spare);
        d.put("hardware", vcpus + " vCPU, " + memory + " MiB, " + disk + " MiB disk, " + video);
        d.put("stopAfterDisconnectedSeconds", stopAfter);
        d.put("antiAffinity", antiAffinity);
        audit(ctx, old.isPresent() ? "POOL_PROVISIONING_UPDATED" : "POOL_PROVISIONING_CONFIGURED", poolId, d);
        return new Versioned<>(now, version + 1);
    }

    /**
     * Publishes an image version; with {@code makeCurrent} the pool rolls out to it.
     *
     * @throws ProblemException VALIDATION_FAILED for files outside the tenant's image directory, or boot
     *                          settings from anyone but a platform admin ({@link ImageFiles})
     */
    @Transactional
    PublishedImage publish(AdminContext ctx, UUID poolId, ImageSpec spec, boolean makeCurrent) {
        require(ctx.tenantId(), poolId);
        return insertImage(ctx, poolId, imageFiles.confine(ctx, spec, false), makeCurrent, null);
    }

    /**
     * Publishes in the pool, and makes current, a copy of an image version of another of the tenant's pools: its
     * files checked again (the golden disk inside the tenant's image directory, the boot files still there), and
     * its boot settings as a platform admin gave them, whoever copies it.
     *
     * @param label the copy's label; null: the original's
     * @throws ProblemException NOT_FOUND for a version that is not the tenant's; VALIDATION_FAILED for files that
     *         are gone or moved out of the tenant's image directory
     */
    @Transactional
    PublishedImage publishCopy(AdminContext ctx, UUID poolId, UUID sourceId, String label) {
        require(ctx.tenantId(), poolId);
        PublishedImage source = jdbc.sql("select " + IMAGE_COLUMNS + " from image_version where tenant_id = ? and id = ?")
                .params(ctx.tenantId(), sourceId).query(PoolProvisioning::mapImage).optional()
                .orElseThrow(() -> ProblemException.notFound("Image version", sourceId));
        ImageSpec s = imageFiles.confine(ctx, new ImageSpec(label == null ? source.label() : label,
                source.goldenDiskPath(), source.kernelPath(), source.initrdPath(), source.kernelCmdline()), true);
        return insertImage(ctx, poolId, s, true, source.id());
    }

    private PublishedImage insertImage(AdminContext ctx, UUID poolId, ImageSpec s, boolean makeCurrent, UUID copiedFrom) {
        UUID id = Ids.newId();
        jdbc.sql("insert into image_version (id, tenant_id, pool_id, label, golden_disk_path, kernel_path, initrd_path, "
                        + "kernel_cmdline, published_by) values (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(id, ctx.tenantId(), poolId, s.label(), s.goldenDiskPath(), s.kernelPath(), s.initrdPath(),
                        s.kernelCmdline(), ctx.actor().username())
                .update();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("imageVersionId", id.toString());
        d.put("label", s.label());
        d.put("goldenDiskPath", s.goldenDiskPath());
        d.put("current", makeCurrent);
        if (copiedFrom != null) {
            d.put("copiedFrom", copiedFrom.toString());
        }
        audit(ctx, "IMAGE_VERSION_PUBLISHED", poolId, d);
        if (makeCurrent) {
            setCurrent(ctx, poolId, id);
        }
        return image(ctx.tenantId(), poolId, id);
    }

    /**
     * Points the pool at an image version: new desktops use it, free desktops are replaced, assigned
     * persistent desktops wait for {@link #updatePersistentDesktops}. The old current one becomes the
     * rollback target.
     */
    @Transactional
    Settings setCurrent(AdminContext ctx, UUID poolId, UUID imageId) {
        Settings s = require(ctx.tenantId(), poolId);
        image(ctx.tenantId(), poolId, imageId);
        if (imageId.equals(s.currentImageId()) && !s.rolledBack()) {
            return s;
        }
        UUID previous = imageId.equals(s.currentImageId()) ? s.previousImageId() : s.currentImageId();
        jdbc.sql("update pool_provisioning set current_image_id = ?, previous_image_id = ?, rolled_back = false, "
                        + "update_persistent = false, updated_at = now() where pool_id = ?")
                .params(imageId, previous, poolId).update();
        audit(ctx, "IMAGE_VERSION_SET_CURRENT", poolId, mapOf("imageVersionId", imageId.toString(),
                "previousImageVersionId", previous == null ? null : previous.toString()));
        return find(ctx.tenantId(), poolId).orElseThrow();
    }

    /**
     * Rolls the pool back to its previous image version.
     *
     * @throws ProblemException INVALID_STATE when there is no previous version or it is rolled back already
     */
    @Transactional
    Settings rollback(AdminContext ctx, UUID poolId) {
        Settings s = require(ctx.tenantId(), poolId);
        if (s.previousImageId() == null) {
            throw new ProblemException(Reason.INVALID_STATE, "The pool has no previous image version to roll back to",
                    Map.of("poolId", poolId));
        }
        if (s.rolledBack()) {
            throw new ProblemException(Reason.INVALID_STATE, "The pool is rolled back already; set a current image "
                    + "version to move forward", Map.of("poolId", poolId, "imageVersionId", s.previousImageId()));
        }
        jdbc.sql("update pool_provisioning set rolled_back = true, updated_at = now() where pool_id = ?")
                .param(poolId).update();
        audit(ctx, "IMAGE_VERSION_ROLLED_BACK", poolId, mapOf("from", s.currentImageId().toString(),
                "to", s.previousImageId().toString()));
        return find(ctx.tenantId(), poolId).orElseThrow();
    }

    /** The admin's command: assigned persistent desktops move to the target image too (while nobody uses them). */
    @Transactional
    Settings updatePersistentDesktops(AdminContext ctx, UUID poolId) {
        Settings s = require(ctx.tenantId(), poolId);
        DesktopPool pool = pools.get(ctx.tenantId(), poolId);
        if (pool.kind() != PoolKind.PERSISTENT) {
            throw new ProblemException(Reason.INVALID_STATE, "Only PERSISTENT pools keep desktops across image "
                    + "versions; pooled desktops move to the current image by themselves", Map.of("poolKind", pool.kind()));
        }
        if (s.targetImageId() == null) {
            throw new ProblemException(Reason.INVALID_STATE, "The pool has no image version yet", Map.of("poolId", poolId));
        }
        jdbc.sql("update pool_provisioning set update_persistent = true, updated_at = now() where pool_id = ?")
                .param(poolId).update();
        audit(ctx, "PERSISTENT_DESKTOPS_UPDATE_COMMANDED", poolId, Map.of("imageVersionId", s.targetImageId().toString()));
        return find(ctx.tenantId(), poolId).orElseThrow();
    }

    /**
     * Connects found no free desktop: remember the demand (after the refusals, in a transaction of its
     * own; see {@link ExhaustionDemand}).
     */
    void recordExhausted(UUID poolId, int refusals, Duration window) {
        jdbc.sql("update pool_provisioning set exhausted_refusals = case when last_exhausted_at > now() - make_interval(secs => ?) "
                        + "then exhausted_refusals + ? else ? end, last_exhausted_at = now() where pool_id = ?")
                .params(window.toSeconds(), refusals, refusals, poolId).update();
    }

    PublishedImage image(UUID tenantId, UUID poolId, UUID imageId) {
        return jdbc.sql("select " + IMAGE_COLUMNS + " from image_version where tenant_id = ? and pool_id = ? and id = ?")
                .params(tenantId, poolId, imageId).query(PoolProvisioning::mapImage).optional()
                .orElseThrow(() -> ProblemException.notFound("Image version", imageId));
    }

    private void audit(AdminContext ctx, String action, UUID poolId, Map<String, Object> details) {
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), action, "DESKTOP_POOL",
                poolId.toString(), details));
    }

    private static int pick(Integer given, Optional<Integer> old, int fallback) {
        return given != null ? given : old.orElse(fallback);
    }

    private static Map<String, Object> mapOf(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    static Settings map(ResultSet rs, int n) throws SQLException {
        return new Settings(rs.getObject("pool_id", UUID.class), rs.getObject("tenant_id", UUID.class),
                rs.getBoolean("enabled"), rs.getInt("min_size"), rs.getInt("max_size"), rs.getInt("spare_target"),
                rs.getInt("vcpus"), rs.getInt("memory_mib"), rs.getInt("disk_mib"), rs.getString("video"),
                (Integer) rs.getObject("stop_after_disconnected_s"), rs.getObject("current_image_id", UUID.class),
                rs.getObject("previous_image_id", UUID.class), rs.getBoolean("rolled_back"),
                rs.getBoolean("update_persistent"), HypervisorHosts.instant(rs.getTimestamp("last_exhausted_at")),
                rs.getInt("exhausted_refusals"), HypervisorHosts.instant(rs.getTimestamp("updated_at")),
                rs.getBoolean("anti_affinity"));
    }

    static PublishedImage mapImage(ResultSet rs, int n) throws SQLException {
        return new PublishedImage(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class),
                rs.getObject("pool_id", UUID.class), rs.getString("label"), rs.getString("golden_disk_path"),
                rs.getString("kernel_path"), rs.getString("initrd_path"), rs.getString("kernel_cmdline"),
                rs.getString("published_by"), rs.getTimestamp("published_at").toInstant());
    }
}
