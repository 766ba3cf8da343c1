/**
 * Session hosts of SHARED pools: registry, drain, removal and placement of new sessions. Public face:
 * {@link io.deskport.broker.hosts.SessionHosts} and, for the connect flow,
 * {@link io.deskport.broker.hosts.SessionHostPlacement}. (Hypervisor hosts arrive with provisioning.)
 */
@ApplicationModule(displayName = "Hosts")
package io.deskport.broker.hosts;

import org.springframework.modulith.ApplicationModule;
