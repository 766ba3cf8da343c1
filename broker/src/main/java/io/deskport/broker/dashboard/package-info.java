/**
 * The admin console's live dashboard: a read model of a tenant's estate — sessions now and over the last day,
 * connects and refusals of the last hour, pool health against provisioning's targets, session and hypervisor host
 * load, licence seats, provisioning tasks — read from each module through its Java API (no table of its own), and
 * streamed to the console as server-sent events when it changes on this broker or another
 * ({@link io.deskport.broker.dashboard.DashboardFeeds}, {@link io.deskport.broker.dashboard.DashboardChanges}).
 */
@ApplicationModule(displayName = "Dashboard",
        allowedDependencies = {"shared", "tenancy", "identity", "pools", "brokering", "hosts", "provisioning", "licensing"})
package io.deskport.broker.dashboard;

import org.springframework.modulith.ApplicationModule;
