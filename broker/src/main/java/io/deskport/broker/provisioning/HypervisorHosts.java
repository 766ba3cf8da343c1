package io.deskport.broker.provisioning;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.deskport.broker.shared.ConfigurationTransactional;
import io.deskport.broker.shared.Listing;
import io.deskport.broker.shared.Versions.IfMatch;
import io.deskport.broker.shared.Versions.Versioned;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import io.deskport.broker.shared.Page;
import io.deskport.broker.shared.PageParams;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.Ids;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.deskport.provisioning.driver.DriverException;
import io.deskport.provisioning.driver.DriverFailureReason;
import io.deskport.provisioning.driver.HostInventory;
import io.deskport.provisioning.driver.HypervisorDriver;
import io.deskport.provisioning.planner.HostHealth;
import io.deskport.provisioning.planner.HostHealthPolicy;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The hypervisor host registry: platform admins register hosts (driver id + settings), put them in
 * maintenance and take them out; the reconciler records inventory and health (failures in a row →
 * quarantine by {@link HostHealthPolicy}, one success → healthy again).
 */
@Service
class HypervisorHosts {

    private static final Logger log = LoggerFactory.getLogger(HypervisorHosts.class);
    private static final String COLUMNS = "id, name, driver_id, settings::text as settings, cpu_total, memory_total_mib, "
            + "storage_total_mib, reported_cpu_total, reported_memory_total_mib, reported_storage_total_mib, "
            + "inventory_at, simulated, maintenance, reachable, consecutive_failures, quarantined_until, last_error, "
            + "last_error_at, source, created_at, cpu_overcommit, memory_overcommit, storage_overcommit, "
            + "reported_storage_used_mib, reported_storage_available_mib, storage_nearly_full_since";

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final HostDrivers drivers;
    private final HostHealthPolicy healthPolicy;
    private final ApplicationEventPublisher events;

    private final EntityManager em;
    private final DesktopPlacements placements;
    private final ProvisioningProperties props;

    HypervisorHosts(JdbcClient jdbc, JsonMapper json, HostDrivers drivers, HostHealthPolicy healthPolicy,
                    ApplicationEventPublisher events, EntityManager em, DesktopPlacements placements,
                    ProvisioningProperties props) {
        this.em = em;
        this.placements = placements;
        this.props = props;
        this.jdbc = jdbc;
        this.json = json;
        this.drivers = drivers;
        this.healthPolicy = healthPolicy;
        this.events = events;
    }

    /**
     * A host row with everything the reconciler needs.
     *
     * @param cpuOvercommit               the host's own ratio (null: the global one); so the memory and storage ones
     * @param reportedStorageUsedMiB      what the driver last saw really written on the host's storage
     * @param reportedStorageAvailableMiB what it saw still free there
     * @param storageNearlyFullSince      since when that use has been at or over the alert threshold (null: below)
     */
    record HostRow(UUID id, String name, String driverId, Map<String, String> settings, Integer cpuTotal,
                   Long memoryTotalMiB, Long storageTotalMiB, Integer reportedCpuTotal, Long reportedMemoryTotalMiB,
                   Long reportedStorageTotalMiB, Instant inventoryAt, boolean simulated, boolean maintenance,
                   boolean reachable, int consecutiveFailures, Instant quarantinedUntil, String lastError,
                   Instant lastErrorAt, String source, Instant createdAt, Double cpuOvercommit,
                   Double memoryOvercommit, Double storageOvercommit, Long reportedStorageUsedMiB,
                   Long reportedStorageAvailableMiB, Instant storageNearlyFullSince) {

        /** The host's own overcommit ratios (null members: the global ones). */
        io.deskport.provisioning.planner.HostView.Overcommit overcommit() {
            return new io.deskport.provisioning.planner.HostView.Overcommit(cpuOvercommit, memoryOvercommit,
                    storageOvercommit);
        }

        /** The share of the host's storage really used at the last inventory (null: not reported). */
        Double storageUsedRatio() {
            if (reportedStorageTotalMiB == null || reportedStorageTotalMiB <= 0 || reportedStorageAvailableMiB == null) {
                return null;
            }
            return Math.min(1.0, (double) (reportedStorageTotalMiB - reportedStorageAvailableMiB) / reportedStorageTotalMiB);
        }

        int effectiveCpus() {
            return cpuTotal != null ? cpuTotal : reportedCpuTotal != null ? reportedCpuTotal : 0;
        }

        long effectiveMemoryMiB() {
            return memoryTotalMiB != null ? memoryTotalMiB : reportedMemoryTotalMiB != null ? reportedMemoryTotalMiB : 0;
        }

        long effectiveStorageMiB() {
            return storageTotalMiB != null ? storageTotalMiB : reportedStorageTotalMiB != null ? reportedStorageTotalMiB : 0;
        }

        HostHealth health() {
            return new HostHealth(reachable, consecutiveFailures, quarantinedUntil);
        }
    }

    /**
     * What an admin sets on a host; on update, null members stay as they are.
     *
     * @param overcommit the host's own overcommit ratios, all three at once (a null ratio: the global one); null:
     *                   unchanged (on registration: the global ones)
     */
    record HostSpec(String name, String driverId, Map<String, String> settings, Integer cpuTotal, Long memoryTotalMiB,
                    Long storageTotalMiB, Boolean maintenance, io.deskport.provisioning.planner.HostView.Overcommit overcommit) {

        HostSpec(String name, String driverId, Map<String, String> settings, Integer cpuTotal, Long memoryTotalMiB,
                 Long storageTotalMiB, Boolean maintenance) {
            this(name, driverId, settings, cpuTotal, memoryTotalMiB, storageTotalMiB, maintenance, null);
        }
    }

    /**
     * Filters of the host list; null members do not filter.
     *
     * @param q words in the name
     */
    record HostFilter(String driverId, Boolean maintenance, Boolean reachable, String q) {
    }

    private final Listing<HostRow> listing = Listing.of(COLUMNS, "hypervisor_host", "id", Listing.Kind.UUID, this::map)
            .sort("name", "name", Listing.Kind.TEXT).sort("createdAt", "created_at", Listing.Kind.TIME).build();

    /** A page of the hosts (sort keys: {@code name} (default), {@code createdAt}). */
    @Transactional(readOnly = true)
    Page<HostRow> page(HostFilter f, PageParams page) {
        return listing.page(jdbc, Listing.Where.of("true").and("driver_id = ?", f.driverId())
                .and("maintenance = ?", f.maintenance()).and("reachable = ?", f.reachable()).text(f.q(), "name"), page);
    }

    @Transactional(readOnly = true)
    List<HostRow> rows() {
        return jdbc.sql("select " + COLUMNS + " from hypervisor_host order by name").query(this::map).list();
    }

    @Transactional(readOnly = true)
    Optional<HostRow> row(UUID id) {
        return jdbc.sql("select " + COLUMNS + " from hypervisor_host where id = ?").param(id).query(this::map).optional();
    }

    HostRow require(UUID id) {
        return row(id).orElseThrow(() -> ProblemException.notFound("Hypervisor host", id));
    }

    /** The driver of a host. */
    HypervisorDriver driver(HostRow h) {
        return drivers.driver(h.id(), h.name(), h.driverId(), h.settings());
    }

    /**
     * Registers a host after checking that its driver exists and accepts the settings.
     *
     * @throws ProblemException VALIDATION_FAILED for an unknown driver or bad settings, CONFLICT for a taken name
     */
    @Transactional
    HostRow register(AdminContext ctx, HostSpec s, String source) {
        boolean simulated = checkDriver(s.name(), s.driverId(), s.settings());
        UUID id = Ids.newId();
        var ratios = s.overcommit() == null ? io.deskport.provisioning.planner.HostView.Overcommit.GLOBAL : s.overcommit();
        jdbc.sql("insert into hypervisor_host (id, name, driver_id, settings, cpu_total, memory_total_mib, "
                        + "storage_total_mib, simulated, maintenance, source, cpu_overcommit, memory_overcommit, "
                        + "storage_overcommit) values (?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(id, s.name(), s.driverId(), json.writeValueAsString(s.settings()), s.cpuTotal(),
                        s.memoryTotalMiB(), s.storageTotalMiB(), simulated, Boolean.TRUE.equals(s.maintenance()), source,
                        ratios.cpu(), ratios.memory(), ratios.storage())
                .update();
        audit(ctx, "HYPERVISOR_HOST_REGISTERED", id, describe(s));
        return require(id);
    }

    /**
     * Changes a host's settings and capacity, made from the version {@code ifMatch} names. The capacity is the
     * configuration model's ({@link HypervisorHostRecord}); the driver settings are checked by the driver and
     * written with SQL in the same transaction, which the version covers.
     *
     * @throws ProblemException PRECONDITION_REQUIRED, STALE_VERSION (see {@link io.deskport.broker.shared.Versions})
     */
    @ConfigurationTransactional
    Versioned<HostRow> update(AdminContext ctx, UUID id, IfMatch ifMatch, HostSpec s) {
        HypervisorHostRecord r = em.find(HypervisorHostRecord.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (r == null) {
            throw ProblemException.notFound("Hypervisor host", id);
        }
        ifMatch.check("Hypervisor host", id, r.version);
        HostRow h = require(id);
        if (s.cpuTotal() != null) {
            r.cpuTotal = s.cpuTotal();
        }
        if (s.memoryTotalMiB() != null) {
            r.memoryTotalMiB = s.memoryTotalMiB();
        }
        if (s.storageTotalMiB() != null) {
            r.storageTotalMiB = s.storageTotalMiB();
        }
        if (s.overcommit() != null) {
            r.cpuOvercommit = s.overcommit().cpu();
            r.memoryOvercommit = s.overcommit().memory();
            r.storageOvercommit = s.overcommit().storage();
        }
        em.flush();
        // the driver settings (JSON, checked by the driver) are the registration's SQL; maintenance has its own calls
        Map<String, String> settings = s.settings() == null ? h.settings() : s.settings();
        boolean simulated = s.settings() == null ? h.simulated() : checkDriver(h.name(), h.driverId(), settings);
        jdbc.sql("update hypervisor_host set settings = ?::jsonb, simulated = ?, updated_at = now() where id = ?")
                .params(json.writeValueAsString(settings), simulated, id).update();
        audit(ctx, "HYPERVISOR_HOST_UPDATED", id, describe(s));
        return new Versioned<>(require(id), r.version);
    }

    /** The host with the version of its registration (the ETag of the admin API's answer). */
    @Transactional(readOnly = true)
    Versioned<HostRow> versioned(UUID id) {
        HostRow h = require(id);
        return new Versioned<>(h, jdbc.sql("select version from hypervisor_host where id = ?").param(id)
                .query(Long.class).single());
    }

    @Transactional
    HostRow setMaintenance(AdminContext ctx, UUID id, boolean on) {
        require(id);
        jdbc.sql("update hypervisor_host set maintenance = ?, updated_at = now() where id = ?").params(on, id).update();
        audit(ctx, on ? "HYPERVISOR_HOST_MAINTENANCE_ON" : "HYPERVISOR_HOST_MAINTENANCE_OFF", id, Map.of());
        log.info("Hypervisor host {} {} maintenance ({})", id, on ? "entered" : "left", ctx.actor().username());
        return require(id);
    }

    @Transactional
    HostRow releaseQuarantine(AdminContext ctx, UUID id) {
        require(id);
        jdbc.sql("update hypervisor_host set consecutive_failures = 0, quarantined_until = null, updated_at = now() "
                + "where id = ?").param(id).update();
        audit(ctx, "HYPERVISOR_HOST_QUARANTINE_RELEASED", id, Map.of());
        return require(id);
    }

    /**
     * Removes a host that has no desktops left.
     *
     * @throws ProblemException IN_USE with the number of desktops still placed there
     */
    @Transactional
    void remove(AdminContext ctx, UUID id) {
        HostRow h = require(id);
        int desktops = jdbc.sql("select count(*) from provisioned_desktop where host_id = ?").param(id)
                .query(Integer.class).single();
        if (desktops > 0) {
            throw new ProblemException(Reason.IN_USE, "Hypervisor host '" + h.name() + "' still has " + desktops
                    + " desktops; put it in maintenance to drain it, then remove it",
                    Map.of("hostId", id, "desktops", desktops));
        }
        jdbc.sql("delete from hypervisor_host where id = ?").param(id).update();
        audit(ctx, "HYPERVISOR_HOST_REMOVED", id, Map.of("name", h.name()));
        drivers.forget(id);
    }

    /** Removes the labelled simulated default host when it holds no desktop (another host takes its place). */
    @Transactional
    void removeUnusedDefault(AdminContext ctx) {
        List<UUID> removed = jdbc.sql("delete from hypervisor_host h where h.source = 'DEFAULT' and not exists "
                + "(select 1 from provisioned_desktop d where d.host_id = h.id) returning h.id").query(UUID.class).list();
        for (UUID id : removed) {
            audit(ctx, "HYPERVISOR_HOST_REMOVED", id, Map.of("name", "simulated", "why", "another host took its place"));
            drivers.forget(id);
        }
    }

    /**
     * Registers the configured hosts (updating settings of ones already known by name) and, when the
     * platform has no host at all, the labelled simulated default host.
     */
    @Transactional
    void seed(List<ProvisioningProperties.Hypervisor> configured, boolean simulateWhenEmpty) {
        for (ProvisioningProperties.Hypervisor c : configured) {
            boolean simulated = checkDriver(c.name(), c.driver(), c.settings());
            jdbc.sql("insert into hypervisor_host (id, name, driver_id, settings, simulated, maintenance, source) "
                            + "values (?, ?, ?, ?::jsonb, ?, ?, 'CONFIGURATION') on conflict (name) do update set "
                            + "driver_id = excluded.driver_id, settings = excluded.settings, simulated = excluded.simulated, "
                            + "updated_at = now()")
                    .params(Ids.newId(), c.name(), c.driver(), json.writeValueAsString(c.settings()), simulated,
                            c.maintenance())
                    .update();
        }
        if (configured.isEmpty() && simulateWhenEmpty) {
            int n = jdbc.sql("insert into hypervisor_host (id, name, driver_id, settings, simulated, source) "
                            + "select ?, 'simulated', 'simulated', '{}'::jsonb, true, 'DEFAULT' "
                            + "where not exists (select 1 from hypervisor_host) on conflict (name) do nothing")
                    .param(Ids.newId()).update();
            if (n > 0) {
                log.warn("No hypervisor is configured: desktops will be SIMULATED (nothing real runs). Register a "
                        + "libvirt host or set deskport.provisioning.hypervisors to provision real desktops.");
            }
        }
    }

    /**
     * The driver's inventory of a host, with the real use of its storage: when that crosses the alert threshold
     * ({@code deskport.provisioning.storage-alert-threshold}) either way, {@link HypervisorStorageNearlyFull} is
     * published (once per crossing) and logged.
     */
    @Transactional
    void recordInventory(UUID hostId, HostInventory inventory) {
        double threshold = props.storageAlertThreshold();
        boolean nearlyFull = inventory.storageTotalMiB() > 0 && inventory.storageUseRatio() >= threshold;
        record Before(String name, Instant nearlyFullSince) {
        }
        Optional<Before> before = jdbc.sql("update hypervisor_host h set reported_cpu_total = ?, reported_memory_total_mib = ?, "
                        + "reported_storage_total_mib = ?, reported_storage_used_mib = ?, reported_storage_available_mib = ?, "
                        + "storage_nearly_full_since = case when ? then coalesce(o.storage_nearly_full_since, now()) end, "
                        + "inventory_at = now(), reachable = ? "
                        + "from (select id, storage_nearly_full_since from hypervisor_host where id = ? for update) o "
                        + "where h.id = o.id returning h.name, o.storage_nearly_full_since")
                .params(inventory.cpuTotal(), inventory.memoryTotalMiB(), inventory.storageTotalMiB(),
                        inventory.storageUsedMiB(), inventory.storageAvailableMiB(), nearlyFull, inventory.available(),
                        hostId)
                .query((rs, n) -> new Before(rs.getString(1), instant(rs.getTimestamp(2)))).optional();
        if (before.isEmpty() || (before.get().nearlyFullSince() != null) == nearlyFull) {
            return;
        }
        long allocated = placements.usage(List.of(hostId), null).getOrDefault(hostId,
                new DesktopPlacements.HostUsage(0, 0, 0, 0)).diskMiB();
        long used = inventory.storageTotalMiB() - inventory.storageAvailableMiB();
        if (nearlyFull) {
            log.warn("Hypervisor host {} ({}): its storage is {}% used ({} of {} MiB; thin desktop disks of {} MiB "
                            + "allocated), at or over the alert threshold of {}%: remove desktops or snapshots, or add "
                            + "storage, before it runs out", before.get().name(), hostId,
                    Math.round(inventory.storageUseRatio() * 100), used, inventory.storageTotalMiB(), allocated,
                    Math.round(threshold * 100));
        } else {
            log.info("Hypervisor host {} ({}): its storage is back under the alert threshold ({}% used)",
                    before.get().name(), hostId, Math.round(inventory.storageUseRatio() * 100));
        }
        events.publishEvent(new HypervisorStorageNearlyFull(hostId, before.get().name(), nearlyFull,
                inventory.storageUseRatio(), threshold, used, inventory.storageTotalMiB(), allocated));
    }

    @Transactional
    void recordUnreachable(UUID hostId, String error) {
        int n = jdbc.sql("update hypervisor_host set reachable = false, inventory_at = now(), last_error = ?, "
                + "last_error_at = now() where id = ? and reachable").params(error, hostId).update();
        if (n > 0) {
            log.warn("Hypervisor host {} is unreachable: {}; no operations are placed there until it answers",
                    hostId, error);
        }
    }

    /** An operation on the host succeeded: it is healthy (and reachable) again. */
    @Transactional
    void recordSuccess(UUID hostId) {
        int n = jdbc.sql("update hypervisor_host set consecutive_failures = 0, quarantined_until = null, reachable = true "
                + "where id = ? and (consecutive_failures > 0 or quarantined_until is not null or not reachable)")
                .param(hostId).update();
        if (n > 0) {
            log.info("Hypervisor host {} is healthy again after a successful operation", hostId);
        }
    }

    /** An operation on the host failed; the host policy may quarantine it. */
    @Transactional
    void recordFailure(UUID hostId, DriverFailureReason reason, String message) {
        HostRow h = row(hostId).orElse(null);
        if (h == null) {
            return;
        }
        Instant now = Instant.now();
        HostHealth next = healthPolicy.afterFailure(h.health(), now);
        boolean reachable = reason != DriverFailureReason.HOST_UNAVAILABLE && h.reachable();
        jdbc.sql("update hypervisor_host set consecutive_failures = ?, quarantined_until = ?, reachable = ?, "
                        + "last_error = ?, last_error_at = now() where id = ?")
                .params(next.consecutiveFailures(), next.quarantinedUntil() == null ? null
                        : Timestamp.from(next.quarantinedUntil()), reachable, reason + ": " + message, hostId)
                .update();
        if (next.quarantinedAt(now) && !h.health().quarantinedAt(now)) {
            log.warn("Hypervisor host {} ({}) is quarantined until {} after {} failed operations in a row; last: {}",
                    h.name(), hostId, next.quarantinedUntil(), next.consecutiveFailures(), message);
        }
    }

    /** Checks the driver id and settings by creating (and closing) a driver; returns whether it is simulated. */
    private boolean checkDriver(String name, String driverId, Map<String, String> settings) {
        if (!drivers.driverIds().contains(driverId)) {
            throw new ProblemException(Reason.VALIDATION_FAILED, "Unknown hypervisor driver '" + driverId
                    + "'; known drivers: " + drivers.driverIds(), Map.of("driverId", driverId));
        }
        try (HypervisorDriver d = drivers.create(name, driverId, settings == null ? Map.of() : settings)) {
            return d.isSimulated();
        } catch (DriverException | IllegalArgumentException e) {
            throw new ProblemException(Reason.VALIDATION_FAILED, "The settings of driver '" + driverId
                    + "' are invalid: " + e.getMessage(), Map.of("driverId", driverId));
        }
    }

    private void audit(AdminContext ctx, String action, UUID id, Map<String, Object> details) {
        events.publishEvent(new AdminActionPerformed(null, ctx.actor(), action, "HYPERVISOR_HOST", id.toString(), details));
    }

    private static Map<String, Object> describe(HostSpec s) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", s.name());
        d.put("driverId", s.driverId());
        d.put("settings", s.settings());
        d.put("cpuTotal", s.cpuTotal());
        d.put("memoryTotalMiB", s.memoryTotalMiB());
        d.put("storageTotalMiB", s.storageTotalMiB());
        d.put("maintenance", s.maintenance());
        if (s.overcommit() != null) {
            d.put("overcommit", Map.of("cpu", String.valueOf(s.overcommit().cpu()), "memory",
                    String.valueOf(s.overcommit().memory()), "storage", String.valueOf(s.overcommit().storage())));
        }
        return d;
    }

    private HostRow map(ResultSet rs, int n) throws SQLException {
        Map<String, String> settings = json.readValue(rs.getString("settings"), new TypeReference<Map<String, String>>() {
        });
        return new HostRow(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("driver_id"), settings,
                (Integer) rs.getObject("cpu_total"), (Long) rs.getObject("memory_total_mib"),
                (Long) rs.getObject("storage_total_mib"), (Integer) rs.getObject("reported_cpu_total"),
                (Long) rs.getObject("reported_memory_total_mib"), (Long) rs.getObject("reported_storage_total_mib"),
                instant(rs.getTimestamp("inventory_at")), rs.getBoolean("simulated"), rs.getBoolean("maintenance"),
                rs.getBoolean("reachable"), rs.getInt("consecutive_failures"), instant(rs.getTimestamp("quarantined_until")),
                rs.getString("last_error"), instant(rs.getTimestamp("last_error_at")), rs.getString("source"),
                instant(rs.getTimestamp("created_at")), (Double) rs.getObject("cpu_overcommit"),
                (Double) rs.getObject("memory_overcommit"), (Double) rs.getObject("storage_overcommit"),
                (Long) rs.getObject("reported_storage_used_mib"), (Long) rs.getObject("reported_storage_available_mib"),
                instant(rs.getTimestamp("storage_nearly_full_since")));
    }

    static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
