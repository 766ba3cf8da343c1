/**
 * First-start demo data: a demo tenant with an admin, a help-desk agent and users, a pool of each kind and a
 * platform operator, created once, its sign-ins written to a file only its owner reads. The demo's pools
 * get real desktops on this machine: the persistent and pooled pools run on a simulated hypervisor whose
 * desktops are Xvnc displays with accounts and homes of their own ({@code consoles=xvnc}), the shared pool
 * on the session-host agent, which {@code DemoSessionHost} starts with the broker.
 */
@ApplicationModule(displayName = "Demo data", allowedDependencies = {"shared", "tenancy", "pools", "hosts", "provisioning"})
package io.deskport.broker.demo;

import org.springframework.modulith.ApplicationModule;
