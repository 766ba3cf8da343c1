package io.deskport.broker.hosts;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.pools.DesktopPool;
import io.deskport.broker.pools.DesktopPools;
import io.deskport.broker.pools.PoolKind;
import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.Ids;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;

/**
 * Enrolment of session-host agents: an admin creates a host and gets a one-time token; the agent
 * exchanges it (once) for a per-host credential and registers what it is. Revoking refuses the
 * credential from then on; a new token lets the host enrol again (with a new credential).
 */
@Service
public class AgentEnrolments {

    private static final Logger log = LoggerFactory.getLogger(AgentEnrolments.class);

    private final JdbcClient jdbc;
    private final DesktopPools pools;
    private final SessionHosts hosts;
    private final HostsProperties properties;
    private final ApplicationEventPublisher events;

    AgentEnrolments(JdbcClient jdbc, DesktopPools pools, SessionHosts hosts, HostsProperties properties,
                    ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.pools = pools;
        this.hosts = hosts;
        this.properties = properties;
        this.events = events;
    }

    /** A one-time enrolment token, shown once to the admin; only its hash is kept. */
    public record EnrolmentToken(String token, Instant expiresAt) {
    }

    /** A new agent host with its first enrolment token. */
    public record NewAgentHost(SessionHost host, EnrolmentToken enrolment) {
    }

    /**
     * Creates an agent-managed host (REGISTERED, no placement until its agent reports) and its token.
     *
     * @throws ProblemException INVALID_STATE when the pool is not SHARED; CONFLICT when the name is taken
     */
    @Transactional
    public NewAgentHost createHost(AdminContext ctx, UUID poolId, String name) {
        DesktopPool pool = pools.get(ctx.tenantId(), poolId);
        if (pool.kind() != PoolKind.SHARED) {
            throw new ProblemException(Reason.INVALID_STATE, "Only SHARED pools have session hosts",
                    Map.of("poolKind", pool.kind()));
        }
        UUID id = Ids.newId();
        // max_sessions is a placeholder until the agent registers the host's own limit
        jdbc.sql("insert into session_host (id, tenant_id, pool_id, name, state, max_sessions, agent_managed) "
                        + "values (?, ?, ?, ?, 'REGISTERED', 1, true)")
                .params(id, ctx.tenantId(), poolId, name).update();
        EnrolmentToken token = insertToken(ctx.tenantId(), id);
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "SESSION_HOST_ENROLMENT_CREATED",
                "SESSION_HOST", id.toString(), Map.of("poolId", poolId.toString(), "name", name,
                        "expiresAt", token.expiresAt().toString())));
        return new NewAgentHost(hosts.get(ctx.tenantId(), id), token);
    }

    /**
     * A new one-time token for an existing agent host (to enrol it again, e.g. after a revoke or a
     * reinstall). Earlier unused tokens of the host stop working.
     */
    @Transactional
    public EnrolmentToken newToken(AdminContext ctx, UUID hostId) {
        SessionHost host = requireAgentHost(ctx.tenantId(), hostId);
        revokeTokens(hostId);
        EnrolmentToken token = insertToken(ctx.tenantId(), hostId);
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "SESSION_HOST_ENROLMENT_CREATED",
                "SESSION_HOST", hostId.toString(), Map.of("name", host.name(),
                        "expiresAt", token.expiresAt().toString())));
        return token;
    }

    /**
     * Revokes the host's credential and unused tokens: its agent is refused from now on, nothing is
     * placed on the host, and its sessions end as HOST_LOST after the grace period unless it enrols again.
     */
    @Transactional
    public SessionHost revoke(AdminContext ctx, UUID hostId) {
        SessionHost host = requireAgentHost(ctx.tenantId(), hostId);
        revokeTokens(hostId);
        jdbc.sql("update session_host set credential_hash = null, revoked_at = now(), "
                        + "state_changed_at = case when state = 'UNREACHABLE' then state_changed_at else now() end, "
                        + "state = case when state = 'AVAILABLE' then 'UNREACHABLE' else state end "
                        + "where tenant_id = ? and id = ?")
                .params(ctx.tenantId(), hostId).update();
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "SESSION_HOST_REVOKED",
                "SESSION_HOST", hostId.toString(), Map.of("name", host.name(),
                        "activeSessions", host.activeSessions())));
        log.info("Revoked the agent credential of session host {} ({}); {} sessions end after the grace period "
                + "unless it enrols again", host.name(), hostId, host.activeSessions());
        return hosts.get(ctx.tenantId(), hostId);
    }

    /** What an agent registers when it enrols. */
    public record Registration(String address, String os, String agentVersion, Integer cpuCount, Long memoryMb,
                               Integer maxSessions) {
    }

    /** The answer to an enrolment: the host and its credential, shown once. */
    public record Enrolled(UUID hostId, String hostName, String credential) {
    }

    /**
     * Exchanges a one-time token for a per-host credential.
     *
     * @throws ProblemException UNAUTHENTICATED when the token is unknown, used, revoked or expired
     */
    @Transactional
    public Enrolled enrol(String token, Registration r) {
        record Used(UUID tenantId, UUID hostId) {
        }
        Used used = token == null ? null : jdbc.sql("update session_host_enrolment set used_at = now() "
                        + "where token_hash = ? and used_at is null and revoked_at is null and expires_at > now() "
                        + "returning tenant_id, host_id")
                .param(AgentSecrets.hash(token))
                .query((rs, n) -> new Used(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class)))
                .optional().orElse(null);
        if (used == null) {
            log.warn("Refused an agent enrolment: the token is unknown, used, revoked or expired");
            throw new ProblemException(Reason.UNAUTHENTICATED,
                    "The enrolment token is not valid (unknown, already used, revoked or expired); ask the "
                            + "administrator for a new one");
        }
        String credential = AgentSecrets.newCredential(used.hostId());
        jdbc.sql("update session_host set credential_hash = ?, credential_issued_at = now(), revoked_at = null, "
                        + "agent_address = ?, agent_os = ?, agent_version = ?, cpu_count = ?, memory_mb = ?, "
                        + "max_sessions = coalesce(?, max_sessions) where id = ?")
                .params(AgentSecrets.hash(credential), r.address(), r.os(), r.agentVersion(), r.cpuCount(),
                        r.memoryMb(), r.maxSessions(), used.hostId())
                .update();
        SessionHost host = hosts.get(used.tenantId(), used.hostId());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", host.name());
        details.put("address", r.address());
        details.put("os", r.os());
        details.put("agentVersion", r.agentVersion());
        details.put("maxSessions", host.maxSessions());
        events.publishEvent(new AdminActionPerformed(used.tenantId(), CurrentUser.SYSTEM, "SESSION_HOST_ENROLLED",
                "SESSION_HOST", host.id().toString(), details));
        log.info("Session host {} ({}) enrolled its agent from {} ({}), max {} sessions", host.name(), host.id(),
                r.address(), r.os(), host.maxSessions());
        return new Enrolled(host.id(), host.name(), credential);
    }

    private SessionHost requireAgentHost(UUID tenantId, UUID hostId) {
        SessionHost host = hosts.get(tenantId, hostId);
        if (host.agent() == null) {
            throw new ProblemException(Reason.INVALID_STATE, "The session host '" + host.name()
                    + "' was registered by its console address and has no agent", Map.of("hostId", hostId));
        }
        return host;
    }

    private EnrolmentToken insertToken(UUID tenantId, UUID hostId) {
        String token = AgentSecrets.newEnrolmentToken();
        Instant expires = Instant.now().plus(properties.enrolmentTokenTtl());
        jdbc.sql("insert into session_host_enrolment (token_hash, tenant_id, host_id, expires_at) values (?, ?, ?, ?)")
                .params(AgentSecrets.hash(token), tenantId, hostId, java.sql.Timestamp.from(expires)).update();
        return new EnrolmentToken(token, expires);
    }

    private void revokeTokens(UUID hostId) {
        jdbc.sql("update session_host_enrolment set revoked_at = now() where host_id = ? and used_at is null "
                + "and revoked_at is null").param(hostId).update();
    }
}
