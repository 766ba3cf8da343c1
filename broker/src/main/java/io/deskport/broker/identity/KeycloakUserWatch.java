package io.deskport.broker.identity;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.shared.DatabaseOutages;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.tenancy.UserAccessChanged;

/**
 * Users disabled, removed or given other roles in Keycloak: Keycloak tells no client when a user is disabled (it
 * records an admin event), so one broker at a time reads each trusted realm's admin events every
 * {@code deskport.identity.keycloak.admin-events-interval}. For a user disabled or removed there, every sign-in
 * session Keycloak still has for them stops counting (their {@code sid}s; this covers users Deskport has never
 * seen) and, for a user Deskport knows, every token issued so far is void and their desktop sessions are
 * disconnected; a change of their role mappings voids their tokens (the next ones carry the new roles). The realm
 * needs admin events on ({@code adminEventsEnabled}).
 */
@Component
class KeycloakUserWatch {

    private static final Logger log = LoggerFactory.getLogger(KeycloakUserWatch.class);
    private static final long LOCK = 0x6b632d7761746368L; // "kc-watch"
    private static final Duration FIRST_LOOK_BACK = Duration.ofMinutes(10);
    private static final int PAGE = 100;

    private final KeycloakProperties keycloak;
    private final TrustedIssuers trusted;
    private final ExternalUsers users;
    private final RevokedTokens revoked;
    private final IdentityProperties properties;
    private final ApplicationEventPublisher events;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final KeycloakAdmin admin;
    private volatile Instant nextPass = Instant.EPOCH;

    KeycloakUserWatch(KeycloakProperties keycloak, TrustedIssuers trusted, ExternalUsers users, RevokedTokens revoked,
                      IdentityProperties properties, ApplicationEventPublisher events, JdbcClient jdbc,
                      PlatformTransactionManager txManager, KeycloakAdmin admin) {
        this.keycloak = keycloak;
        this.admin = admin;
        this.trusted = trusted;
        this.users = users;
        this.revoked = revoked;
        this.properties = properties;
        this.events = events;
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(txManager);
    }

    @Scheduled(fixedDelay = 1000, initialDelay = 2000)
    void poll() {
        if (!keycloak.enabled() || keycloak.adminClientId().isBlank() || Instant.now().isBefore(nextPass)) {
            return;
        }
        nextPass = Instant.now().plus(keycloak.adminEventsInterval());
        try {
            tx.executeWithoutResult(s -> {
                if (!jdbc.sql("select pg_try_advisory_xact_lock(?)").param(LOCK).query(Boolean.class).single()) {
                    return; // another broker watches
                }
                Set<String> realms = new LinkedHashSet<>();
                realms.add(keycloak.realm());
                trusted.dedicated().values().forEach(i -> realms.add(i.realm()));
                for (String realm : realms) {
                    watch(realm);
                }
            });
        } catch (ProblemException e) {
            log.warn("Could not read Keycloak's admin events ({}); trying again in {}", e.getMessage(),
                    keycloak.adminEventsInterval());
        } catch (RuntimeException e) {
            log.warn("Could not watch Keycloak's users ({})", DatabaseOutages.rootMessage(e));
        }
    }

    /** Reads one realm's user events since the last pass, oldest first, and acts on each. */
    void watch(String realm) {
        long now = System.currentTimeMillis();
        // the cursor is the database's: whichever broker holds the lock goes on where the last one stopped
        long since = jdbc.sql("select handled_up_to from identity_watch where realm = ?").param(realm)
                .query(Long.class).optional().orElse(now - FIRST_LOOK_BACK.toMillis());
        String from = LocalDate.ofInstant(Instant.ofEpochMilli(since), ZoneOffset.UTC).minusDays(1).toString();
        Map<String, String> changed = new LinkedHashMap<>(); // user id → what happened (the latest)
        Map<String, Long> changedAt = new LinkedHashMap<>(); // user id → when (Keycloak's clock, ms)
        long newest = since;
        for (int first = 0; first < 20 * PAGE; first += PAGE) {
            List<KeycloakAdmin.UserEvent> page = admin.userEvents(realm, from, first, PAGE);
            boolean older = false;
            for (KeycloakAdmin.UserEvent e : page) {
                long time = e.time();
                if (time <= since) {
                    older = true;
                    continue;
                }
                newest = Math.max(newest, time);
                String path = e.resourcePath();
                if (!path.startsWith("users/")) {
                    continue;
                }
                String rest = path.substring("users/".length());
                int slash = rest.indexOf('/');
                String userId = slash < 0 ? rest : rest.substring(0, slash);
                String what = slash < 0 ? e.operation() : "ROLES";
                if (slash >= 0 && !rest.substring(slash).startsWith("/role-mappings")) {
                    continue;
                }
                changed.putIfAbsent(userId, what); // newest first: the first one seen is the latest
                changedAt.putIfAbsent(userId, time);
            }
            if (older || page.size() < PAGE) {
                break;
            }
        }
        String issuer = keycloak.issuer(realm);
        changed.forEach((userId, what) -> act(realm, issuer, userId, what, changedAt.get(userId)));
        jdbc.sql("insert into identity_watch (realm, handled_up_to) values (?, ?) on conflict (realm) do update "
                + "set handled_up_to = excluded.handled_up_to").params(realm, newest).update();
    }

    private void act(String realm, String issuer, String userId, String what, long at) {
        boolean gone = what.equals("DELETE") || !admin.userEnabled(realm, userId).orElse(false);
        var linked = users.linked(issuer, userId);
        if (gone) {
            Instant expires = Instant.now().plus(properties.tokenTtl()).plusSeconds(60);
            for (String sid : admin.userSessions(realm, userId)) {
                revoked.revokeSession(linked.map(ExternalUsers.Linked::tenantId).orElse(null),
                        linked.map(ExternalUsers.Linked::userId).orElse(null), sid, expires, "DISABLED_AT_PROVIDER");
            }
        }
        linked.ifPresent(u -> {
            if (gone) {
                events.publishEvent(new UserAccessChanged(u.tenantId(), u.userId(),
                        what.equals("DELETE") ? "REMOVED_AT_PROVIDER" : "DISABLED_AT_PROVIDER", true));
            } else {
                // the tokens issued before the change carry the old roles; those issued after it (the same second
                // included: Keycloak's iat is in whole seconds) carry the new ones and keep counting
                Instant second = Instant.ofEpochMilli(at).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
                revoked.revokeUser(u.tenantId(), u.userId(), second.minusMillis(1), "ROLES_CHANGED_AT_PROVIDER");
            }
        });
        if (gone || linked.isPresent()) {
            log.info("Keycloak user {} of realm {}: {} — {}", userId, realm, gone ? "disabled or removed" : what,
                    linked.isPresent() ? "access revoked in Deskport" : "sessions revoked (never signed in here)");
        }
    }

}
