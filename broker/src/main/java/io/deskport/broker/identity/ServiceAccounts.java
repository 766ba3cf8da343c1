package io.deskport.broker.identity;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.DatabaseOutages;
import io.deskport.broker.shared.Ids;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.deskport.broker.shared.Role;
import io.deskport.broker.shared.Versions;
import io.deskport.broker.tenancy.Tenants;
import io.deskport.broker.tenancy.UserAccessChanged;

/**
 * Integrations that call the API with client credentials: a billing system reading usage, a script reading or
 * changing the configuration, a help-desk tool ending sessions. Each account belongs to one tenant and may use only
 * the scopes granted to it ({@code usage:read}, {@code admin:read}, {@code admin:write}, {@code sessions:write});
 * a platform-wide one (the operator's billing) reaches every tenant, and only a platform admin can create it.
 *
 * <p>A local account has a secret (BCrypt, shown once) and gets the broker's tokens from
 * {@code POST /api/v1/auth/token}; a Keycloak account is a client of a trusted realm whose client-credentials
 * tokens the API accepts. Either way a request may use a scope only when the account is granted it <em>and</em> the
 * token carries it. Disabling, removing or changing an account voids its tokens on every broker (the user
 * revocations of {@link RevokedTokens}).
 */
@Component
class ServiceAccounts {

    private static final Logger log = LoggerFactory.getLogger(ServiceAccounts.class);
    static final Set<String> SCOPES = Set.of("usage:read", "admin:read", "admin:write", "sessions:write");
    static final Duration TOKEN_TTL = Duration.ofHours(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A service account; {@code issuer} null for a local one. */
    record Account(UUID id, UUID tenantId, String clientId, String name, Set<String> scopes, boolean platformWide,
                   String issuer, boolean enabled, long version, Instant createdAt, Instant updatedAt) {

        CurrentUser asUser() {
            return new CurrentUser(id, tenantId, "service:" + clientId,
                    Set.of(platformWide ? Role.PLATFORM_ADMIN : Role.TENANT_ADMIN));
        }
    }

    private final JdbcClient jdbc;
    private final PasswordEncoder passwords;
    private final ApplicationEventPublisher events;
    private final RevokedTokens revoked;
    private final Tenants tenants;
    private volatile Map<String, Account> external = Map.of();
    private volatile Instant lastRead = Instant.EPOCH;

    ServiceAccounts(JdbcClient jdbc, PasswordEncoder passwords, ApplicationEventPublisher events, RevokedTokens revoked,
                    Tenants tenants) {
        this.tenants = tenants;
        this.jdbc = jdbc;
        this.passwords = passwords;
        this.events = events;
        this.revoked = revoked;
    }

    // ---- requests with a Keycloak client-credentials token

    /**
     * The account of a Keycloak client, when the client is registered with Deskport and enabled, with the scopes
     * the token carries of those granted.
     *
     * @param realmTenant the tenant of a dedicated realm (null: the platform realm)
     */
    Optional<DeskportAuthentication> external(String issuer, String clientId, Jwt jwt, UUID realmTenant) {
        if (clientId == null) {
            return Optional.empty();
        }
        String key = issuer + "\n" + clientId;
        Account a = external.get(key);
        if (a == null && Instant.now().isAfter(lastRead.plusSeconds(1))) {
            refresh();
            a = external.get(key);
        }
        if (a == null || !a.enabled() || realmTenant != null && !realmTenant.equals(a.tenantId())
                || !tenants.isActive(a.tenantId())) {
            return Optional.empty();
        }
        if (revoked.isRevoked(a.id(), null, jwt.getIssuedAt())) {
            return Optional.empty();
        }
        return Optional.of(new DeskportAuthentication(a.asUser(), jwt, granted(a.scopes(), jwt.getClaimAsString("scope"))));
    }


    /** The scopes of {@code granted} that a token's space-separated {@code scope} names. */
    static Set<String> granted(Set<String> granted, String scope) {
        Set<String> out = new TreeSet<>();
        if (scope != null) {
            for (String s : scope.split(" ")) {
                if (granted.contains(s)) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    @Scheduled(fixedDelay = 5000, initialDelay = 0)
    synchronized void refresh() {
        try {
            Map<String, Account> m = new HashMap<>();
            jdbc.sql("select " + COLUMNS + " from service_account where issuer is not null")
                    .query(ServiceAccounts::map).list().forEach(a -> m.put(a.issuer() + "\n" + a.clientId(), a));
            external = Map.copyOf(m);
        } catch (RuntimeException e) {
            log.warn("Could not read the service accounts ({})", DatabaseOutages.rootMessage(e));
        } finally {
            lastRead = Instant.now();
        }
    }

    // ---- local accounts: client credentials for the broker's own tokens

    /**
     * Checks a local account's secret.
     *
     * @return the account, or empty for an unknown client, a Keycloak one, a disabled one or a wrong secret
     */
    @Transactional(readOnly = true)
    Optional<Account> authenticate(String clientId, String secret) {
        var row = jdbc.sql("select " + COLUMNS + ", secret_hash from service_account where issuer is null and client_id = ?")
                .param(clientId)
                .query((rs, n) -> Map.entry(map(rs, n), rs.getString("secret_hash"))).optional();
        if (row.isEmpty()) {
            passwords.matches(secret, DUMMY_HASH); // the same time for an unknown client
            return Optional.empty();
        }
        boolean ok = passwords.matches(secret, row.get().getValue());
        Account a = row.get().getKey();
        return ok && a.enabled() && tenants.isActive(a.tenantId()) ? Optional.of(a) : Optional.empty();
    }

    private static final String DUMMY_HASH = "$2a$10$7EqJtq98hPqEX7fNZaFWoOhi5BWX4Z6ZB9WLxCZt7hxsB0fYAf7Su";

    // ---- administration

    record NewAccount(String name, String clientId, Set<String> scopes, boolean platformWide, String issuer) {
    }

    record Change(String name, Set<String> scopes, Boolean enabled) {
    }

    /** A new account, and its secret (local accounts; shown this once). */
    record Created(Account account, String secret) {
    }

    private static final String COLUMNS = "id, tenant_id, client_id, name, scopes, platform_wide, issuer, enabled, "
            + "version, created_at, updated_at";

    private static Account map(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Account(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class),
                rs.getString("client_id"), rs.getString("name"),
                new TreeSet<>(List.of((String[]) rs.getArray("scopes").getArray())), rs.getBoolean("platform_wide"),
                rs.getString("issuer"), rs.getBoolean("enabled"), rs.getLong("version"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }

    @Transactional(readOnly = true)
    List<Account> list(UUID tenantId) {
        return jdbc.sql("select " + COLUMNS + " from service_account where tenant_id = ? order by client_id")
                .param(tenantId).query(ServiceAccounts::map).list();
    }

    @Transactional(readOnly = true)
    Account get(UUID tenantId, UUID id) {
        return jdbc.sql("select " + COLUMNS + " from service_account where id = ? and tenant_id = ?")
                .params(id, tenantId).query(ServiceAccounts::map).optional()
                .orElseThrow(() -> ProblemException.notFound("ServiceAccount", id));
    }

    @Transactional
    Created create(CurrentUser actor, UUID tenantId, NewAccount a, Set<String> trustedIssuers) {
        checkScopes(a.scopes());
        if (a.platformWide() && !actor.isPlatformAdmin()) {
            throw new ProblemException(Reason.FORBIDDEN, "Only a platform admin may create a platform-wide service account");
        }
        if (a.issuer() != null && !trustedIssuers.contains(a.issuer())) {
            throw ProblemException.validation("issuer", "is not a realm this Deskport trusts for the tenant: one of "
                    + new TreeSet<>(trustedIssuers));
        }
        UUID id = Ids.newId();
        String clientId = a.clientId() == null || a.clientId().isBlank() ? "dps-" + id.toString().substring(0, 13)
                : a.clientId();
        String secret = a.issuer() == null ? newSecret() : null;
        try {
            jdbc.sql("insert into service_account (id, tenant_id, client_id, name, scopes, platform_wide, issuer, "
                            + "secret_hash) values (?, ?, ?, ?, ?, ?, ?, ?)")
                    .params(id, tenantId, clientId, a.name(), a.scopes().stream().sorted().toArray(String[]::new),
                            a.platformWide(), a.issuer(), secret == null ? null : passwords.encode(secret)).update();
        } catch (DuplicateKeyException e) {
            throw new ProblemException(Reason.CONFLICT, "A service account with client id " + clientId + " exists already");
        }
        audit(tenantId, actor, "SERVICE_ACCOUNT_CREATED", id, Map.of("clientId", clientId, "scopes",
                new TreeSet<>(a.scopes()), "platformWide", a.platformWide(), "issuer", a.issuer() == null ? "local" : a.issuer()));
        lastRead = Instant.EPOCH;
        return new Created(get(tenantId, id), secret);
    }

    @Transactional
    Account update(CurrentUser actor, UUID tenantId, UUID id, Versions.IfMatch ifMatch, Change c) {
        Account before = jdbc.sql("select " + COLUMNS + " from service_account where id = ? and tenant_id = ? for update")
                .params(id, tenantId).query(ServiceAccounts::map).optional()
                .orElseThrow(() -> ProblemException.notFound("ServiceAccount", id));
        ifMatch.check("ServiceAccount", id, before.version());
        if (c.scopes() != null) {
            checkScopes(c.scopes());
        }
        jdbc.sql("update service_account set name = coalesce(?, name), scopes = coalesce(?, scopes), "
                        + "enabled = coalesce(?, enabled), version = version + 1, updated_at = now() where id = ?")
                .params(c.name(), c.scopes() == null ? null : c.scopes().stream().sorted().toArray(String[]::new),
                        c.enabled(), id).update();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", c.name());
        details.put("scopes", c.scopes() == null ? null : new TreeSet<>(c.scopes()));
        details.put("enabled", c.enabled());
        audit(tenantId, actor, "SERVICE_ACCOUNT_UPDATED", id, details);
        boolean narrowed = c.scopes() != null && !c.scopes().containsAll(before.scopes())
                || Boolean.FALSE.equals(c.enabled()) && before.enabled();
        if (narrowed) {
            // the tokens issued so far may carry what was taken away
            events.publishEvent(new UserAccessChanged(tenantId, id, "SERVICE_ACCOUNT_CHANGED", false));
        }
        lastRead = Instant.EPOCH;
        return get(tenantId, id);
    }

    @Transactional
    String rotateSecret(CurrentUser actor, UUID tenantId, UUID id) {
        Account a = get(tenantId, id);
        if (a.issuer() != null) {
            throw new ProblemException(Reason.INVALID_STATE, "A Keycloak service account's secret is Keycloak's: "
                    + "regenerate it there");
        }
        String secret = newSecret();
        jdbc.sql("update service_account set secret_hash = ?, version = version + 1, updated_at = now() where id = ?")
                .params(passwords.encode(secret), id).update();
        audit(tenantId, actor, "SERVICE_ACCOUNT_SECRET_ROTATED", id, Map.of("clientId", a.clientId()));
        events.publishEvent(new UserAccessChanged(tenantId, id, "SERVICE_ACCOUNT_SECRET_ROTATED", false));
        return secret;
    }

    @Transactional
    void delete(CurrentUser actor, UUID tenantId, UUID id) {
        Account a = get(tenantId, id);
        jdbc.sql("delete from service_account where id = ?").param(id).update();
        audit(tenantId, actor, "SERVICE_ACCOUNT_REMOVED", id, Map.of("clientId", a.clientId()));
        events.publishEvent(new UserAccessChanged(tenantId, id, "SERVICE_ACCOUNT_REMOVED", false));
        lastRead = Instant.EPOCH;
    }

    private static void checkScopes(Set<String> scopes) {
        if (scopes == null || scopes.isEmpty()) {
            throw ProblemException.validation("scopes", "must name at least one of " + new TreeSet<>(SCOPES));
        }
        Set<String> unknown = new LinkedHashSet<>(scopes);
        unknown.removeAll(SCOPES);
        if (!unknown.isEmpty()) {
            throw ProblemException.validation("scopes", "unknown scopes " + unknown + "; known: " + new TreeSet<>(SCOPES));
        }
    }

    private void audit(UUID tenantId, CurrentUser actor, String action, UUID id, Map<String, Object> details) {
        events.publishEvent(new AdminActionPerformed(tenantId, actor, action, "SERVICE_ACCOUNT", id.toString(), details));
    }

    private static String newSecret() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
