/**
 * Desktop pools, entitlements and desktops with their state machine. Public face:
 * {@link io.deskport.broker.pools.DesktopPools}, {@link io.deskport.broker.pools.Entitlements},
 * {@link io.deskport.broker.pools.Desktops} and, for the connect flow,
 * {@link io.deskport.broker.pools.DesktopClaims}; for the dashboard, {@link io.deskport.broker.pools.DesktopCensus}
 * (each pool's desktops per state).
 */
@ApplicationModule(displayName = "Pools", allowedDependencies = {"shared", "tenancy"})
@Tables(owns = {"desktop_pool", "desktop", "entitlement"}, publishes = {"pools_pools", "pools_desktops", "pools_entitled_users"})
package io.deskport.broker.pools;

import org.springframework.modulith.ApplicationModule;

import io.deskport.broker.shared.Tables;
