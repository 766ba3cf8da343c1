/**
 * Desktop pools (with their session policy: timeouts, recording, the {@link io.deskport.broker.pools.ClipboardPolicy}),
 * entitlements and desktops with their state machine. Public face: {@link io.deskport.broker.pools.DesktopPools} (and
 * {@link io.deskport.broker.pools.NewPool}, a new pool as the API takes it), {@link io.deskport.broker.pools.Entitlements},
 * {@link io.deskport.broker.pools.Desktops} and, for the connect flow, {@link io.deskport.broker.pools.DesktopClaims}.
 */
@ApplicationModule(displayName = "Pools", allowedDependencies = {"shared", "tenancy"})
@Tables(owns = {"desktop_pool", "desktop", "entitlement"}, publishes = {"pools_pools", "pools_desktops", "pools_entitled_users"})
package io.deskport.broker.pools;

import org.springframework.modulith.ApplicationModule;

import io.deskport.broker.shared.Tables;
