/**
 * Provisioning glue: hypervisor hosts, published image versions and sizing of pools, the task journal
 * of hypervisor operations, and the reconciler that keeps every provisioned pool at its target on one
 * elected broker. The planning logic and the drivers live in the {@code provisioning/} library
 * ({@code io.deskport.provisioning}); this module owns persistence, leader election, scheduling and
 * the admin API. It talks to {@code pools} through {@link io.deskport.broker.pools.ManagedDesktops}
 * and events. Public face: {@link io.deskport.broker.provisioning.ProvisioningSetup} (what other modules may set
 * up: hosts, pool sizes, images) and {@link io.deskport.broker.provisioning.Reconciler} (its passes can also be
 * driven by the reconcile benchmark); for the dashboard, {@link io.deskport.broker.provisioning.ProvisioningFigures}
 * (pool targets, hypervisor allocation against capacity, tasks running and failed). Capacity that follows demand
 * ({@link io.deskport.broker.provisioning.PoolCapacity}, {@link io.deskport.broker.provisioning.DemandForecasts}): a
 * pool in DEMAND mode gets its spare target each cycle from its logon curve (brokering's
 * {@link io.deskport.broker.brokering.SessionArrivals}, in the tenant's time zone from tenancy) and the measured ready
 * time; the tenant's holiday calendar is kept here. A SHARED pool in DEMAND mode is consolidated off-peak
 * ({@link io.deskport.broker.provisioning.SharedPoolConsolidation}): hosts beyond the forecast are drained through
 * {@link io.deskport.broker.hosts.SessionHosts}.
 *
 * <p>Snapshots of persistent desktops ({@link io.deskport.broker.provisioning.DesktopSnapshots}, scheduled by
 * {@link io.deskport.broker.provisioning.SnapshotSchedule}) run as tasks of the same journal; they are told to
 * metering by the {@link io.deskport.broker.provisioning.DesktopSnapshotKept} and
 * {@link io.deskport.broker.provisioning.DesktopSnapshotRemoved} events. The overcommit guard: per-host ratios in
 * placement, and {@link io.deskport.broker.provisioning.HypervisorStorageNearlyFull} when a host's thin disks fill
 * its storage.
 */
@ApplicationModule(displayName = "Provisioning", allowedDependencies = {"shared", "pools", "brokering", "tenancy", "hosts"})
@Tables(owns = {"hypervisor_host", "image_version", "pool_provisioning", "provisioned_desktop", "provisioning_discrepancy", "provisioning_task",
        "pool_capacity", "capacity_holiday", "capacity_drained_host", "desktop_snapshot",
        "host_drain_blocked"},
        publishes = {"provisioning_pool_hardware", "provisioning_desktop_moves"})
package io.deskport.broker.provisioning;

import org.springframework.modulith.ApplicationModule;

import io.deskport.broker.shared.Tables;
