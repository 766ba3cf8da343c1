package io.deskport.broker.hosts;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * What the connect flow and the session lifecycle ask of a host's agent: create a user's desktop
 * session (or a session for published applications), start an application in one, log one off. Commands join the caller's transaction, so a session row and the command to
 * create it commit together (or neither does).
 */
@Service
@Transactional(propagation = Propagation.MANDATORY)
public class SessionHostAgents {

    private final JdbcClient jdbc;
    private final AgentCommands commands;

    SessionHostAgents(JdbcClient jdbc, AgentCommands commands) {
        this.jdbc = jdbc;
        this.commands = commands;
    }

    /**
     * Asks the host's agent to create the session's desktop for the user; the agent reports it READY
     * when its console answers.
     */
    public void requestSession(UUID tenantId, UUID hostId, UUID sessionId, UUID poolId, UUID userId, String username) {
        requestSession(tenantId, hostId, sessionId, poolId, userId, username, null);
    }

    /**
     * Asks the host's agent to create the user's session: with {@code application}, a session without a desktop
     * shell that runs only that application (and the ones launched into it later); without, the pool's desktop.
     */
    public void requestSession(UUID tenantId, UUID hostId, UUID sessionId, UUID poolId, UUID userId, String username,
                               PublishedApplication application) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("poolId", poolId.toString());
        payload.put("userId", userId.toString());
        payload.put("username", username);
        if (application == null) {
            payload.put("desktopCommand", jdbc.sql("select desktop_command from shared_pool_session_settings where pool_id = ?")
                    .param(poolId).query(String.class).optional().orElse(null));
        } else {
            payload.put("application", launch(application));
        }
        commands.enqueue(tenantId, hostId, sessionId, AgentCommands.Kind.CREATE_SESSION, payload);
    }

    /**
     * Asks the agent of the session's host to start the application in the user's live session there (its window
     * joins the session's display). Agents wait for a session still starting.
     *
     * @return false when the host has no agent (a host registered by its console address runs no applications)
     */
    public boolean requestLaunch(UUID hostId, UUID sessionId, PublishedApplication application) {
        return jdbc.sql("select tenant_id from session_host where id = ? and agent_managed").param(hostId)
                .query(UUID.class).optional()
                .map(tenantId -> {
                    commands.enqueue(tenantId, hostId, sessionId, AgentCommands.Kind.LAUNCH_APPLICATION,
                            Map.of("application", launch(application)));
                    return true;
                })
                .orElse(false);
    }

    private static Map<String, Object> launch(PublishedApplication a) {
        Map<String, Object> app = new LinkedHashMap<>();
        app.put("id", a.id().toString());
        app.put("name", a.name());
        app.put("command", a.command());
        app.put("arguments", a.arguments());
        app.put("workingDirectory", a.workingDirectory());
        return app;
    }

    /** Asks the host's agent to end the session and every process of it (nothing to do on hosts without agent). */
    public void requestLogoff(UUID hostId, UUID sessionId) {
        jdbc.sql("select tenant_id from session_host where id = ? and agent_managed").param(hostId)
                .query(UUID.class).optional()
                .ifPresent(tenantId -> commands.enqueue(tenantId, hostId, sessionId, AgentCommands.Kind.LOGOFF_SESSION,
                        Map.of()));
    }
}
