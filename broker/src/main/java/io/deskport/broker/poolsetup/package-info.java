/**
 * A pool as a whole, for the console's pool wizard and its disable and delete dialogs: a new pool set up in one
 * transaction with its provisioning (sizing, image), the licence products it consumes and its entitlements — each
 * part through its own module's API, with that module's checks and audit lines, so that a part refused leaves no
 * pool behind — and what disabling or removing a pool would do, counted by the modules that would do it. Public
 * face: {@link io.deskport.broker.poolsetup.PoolSetup} and {@link io.deskport.broker.poolsetup.PoolImpacts}. It
 * owns no table.
 */
@ApplicationModule(displayName = "Pool setup",
        allowedDependencies = {"shared", "pools", "provisioning", "licensing", "brokering", "hosts"})
@Tables
package io.deskport.broker.poolsetup;

import org.springframework.modulith.ApplicationModule;

import io.deskport.broker.shared.Tables;
