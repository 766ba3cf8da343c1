/**
 * Session hosts of SHARED pools: registry, drain, removal, placement of new sessions, and the agent API
 * (enrolment with one-time tokens, per-host credentials, heartbeats, the command queue agents long-poll).
 * Public face: {@link io.deskport.broker.hosts.SessionHosts}, {@link io.deskport.broker.hosts.AgentEnrolments}
 * and, for the connect flow and the session lifecycle, {@link io.deskport.broker.hosts.SessionHostPlacement}
 * and {@link io.deskport.broker.hosts.SessionHostAgents}; the module that owns sessions implements
 * {@link io.deskport.broker.hosts.HostedSessions}; for the dashboard, {@link io.deskport.broker.hosts.SessionHostLoad}
 * (sessions against each host's maximum, heartbeat ages); the applications published on SHARED pools:
 * {@link io.deskport.broker.hosts.PublishedApplications}. (Hypervisor hosts arrive with provisioning.)
 */
@ApplicationModule(displayName = "Hosts", allowedDependencies = {"shared", "pools"})
@Tables(owns = {"session_host", "session_host_command", "session_host_enrolment", "shared_pool_session_settings", "published_application"}, publishes = {"hosts_session_hosts"})
package io.deskport.broker.hosts;

import org.springframework.modulith.ApplicationModule;

import io.deskport.broker.shared.Tables;
