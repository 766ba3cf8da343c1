package io.deskport.broker.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.Role;
import io.deskport.broker.tenancy.ExternalAccounts;
import io.deskport.broker.tenancy.Tenants;

/**
 * Who a Keycloak token's subject is in Deskport. The tenant: the organization the token names (platform realm) or
 * the realm's own tenant (a dedicated realm). Roles: the realm's and the broker client's roles named like
 * Deskport's ({@code PLATFORM_ADMIN} only from the platform realm: a tenant's own realm cannot make anyone a
 * platform admin). Groups: the token's {@code groups} (full paths); in the platform realm only those under
 * {@code /<organization alias>/}, without that prefix.
 *
 * <p>The user is created on their first sign-in and updated when a token says something new; each broker
 * remembers what it last wrote for each subject, so a token that says the same costs no database access (the
 * connect path stays three round trips). A user whose access changed in Deskport (disabled, removed) is read
 * again.
 */
@Component
class ExternalUsers {

    private final TrustedIssuers trusted;
    private final ExternalAccounts accounts;
    private final RevokedTokens revoked;
    private final ServiceAccounts serviceAccounts;
    private final Tenants tenants;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Map<String, Known> known = new ConcurrentHashMap<>();

    private record Known(CurrentUser user, String profile, boolean enabled, Instant readAt) {
    }

    /** A person's token as resolved: who, and what its revocation check needs. */
    private record Resolved(Known known, String tokenId, Instant issuedAt, String sessionId) {
    }

    private static final int MAX_REMEMBERED = 100_000;
    private final Map<Jwt, Resolved> byToken = new ConcurrentHashMap<>();

    ExternalUsers(TrustedIssuers trusted, ExternalAccounts accounts, RevokedTokens revoked,
                  ServiceAccounts serviceAccounts, Tenants tenants, JdbcClient jdbc, PlatformTransactionManager txManager) {
        this.tenants = tenants;
        this.trusted = trusted;
        this.accounts = accounts;
        this.revoked = revoked;
        this.serviceAccounts = serviceAccounts;
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(txManager);
    }

    /** @throws InvalidBearerTokenException (401) when the token names no tenant, a disabled one, or a disabled user */
    DeskportAuthentication authenticate(Jwt jwt) {
        // the decoder hands out one Jwt per token for its whole life: what it resolved to is remembered with it, so a
        // request of a known token reads no claim again (Spring's claim accessors convert on every call)
        Resolved r = byToken.get(jwt);
        if (r != null && r.known().enabled() && tenants.isActive(r.known().user().tenantId())
                && !revoked.userChangedSince(r.known().user().userId(), r.known().readAt())) {
            refuseRevoked(r);
            return new DeskportAuthentication(r.known().user(), jwt, null);
        }
        Outcome outcome = resolve(jwt);
        if (outcome.known() == null) {
            return outcome.auth(); // a service account's
        }
        // what this token resolved to (not the subject's latest: another token of theirs may say something else)
        Resolved resolved = new Resolved(outcome.known(), jwt.getId(), jwt.getIssuedAt(), jwt.getClaimAsString("sid"));
        refuseRevoked(resolved);
        if (byToken.size() >= MAX_REMEMBERED) {
            byToken.keySet().removeIf(t -> t.getExpiresAt() == null || t.getExpiresAt().isBefore(Instant.now()));
            if (byToken.size() >= MAX_REMEMBERED) {
                byToken.clear();
            }
        }
        byToken.put(jwt, resolved);
        return outcome.auth();
    }

    /** A token resolved: who calls, and for a person what was known of them ({@code known} null: a service account). */
    private record Outcome(DeskportAuthentication auth, Known known) {
    }

    private void refuseRevoked(Resolved r) {
        if (revoked.isRevoked(r.known().user().userId(), r.tokenId(), r.issuedAt(), r.sessionId())) {
            throw new InvalidBearerTokenException("The access token has been revoked");
        }
    }

    private static String keyOf(Jwt jwt) {
        return String.valueOf(jwt.getClaims().get("iss")) + "\n" + jwt.getSubject();
    }

    private Outcome resolve(Jwt jwt) {
        TrustedIssuers.Issuer issuer = trusted.find(jwt.getIssuer() == null ? null : jwt.getIssuer().toString())
                .orElseThrow(() -> new InvalidBearerTokenException("The token was issued by someone else"));
        String azp = jwt.getClaimAsString("azp");
        if (!IdentityTokenDecoder.hasAudience(jwt, issuer.audience())) {
            // not meant for Deskport's client: only a registered service account's own client may call with it
            return new Outcome(serviceAccounts.external(issuer.issuer(), azp, jwt, issuer.tenantId())
                    .orElseThrow(() -> new InvalidBearerTokenException("The token is not meant for Deskport")), null);
        }
        if (jwt.hasClaim("client_id") || isServiceAccountName(jwt.getClaimAsString("preferred_username"))) {
            return new Outcome(serviceAccounts.external(issuer.issuer(), azp, jwt, issuer.tenantId())
                    .orElseThrow(() -> new InvalidBearerTokenException(
                            "The client " + azp + " is not a Deskport service account")), null);
        }
        UUID tenantId;
        String alias = null;
        if (issuer.platform()) {
            alias = organization(jwt);
            TrustedIssuers.Organization org = trusted.organization(alias)
                    .orElseThrow(() -> new InvalidBearerTokenException("The token's organization is not a Deskport tenant"));
            if (!org.enabled()) {
                throw new InvalidBearerTokenException("The token's organization has been offboarded");
            }
            tenantId = org.tenantId();
        } else {
            tenantId = issuer.tenantId();
        }
        if (!tenants.isActive(tenantId)) {
            throw new InvalidBearerTokenException("The token's tenant has been offboarded");
        }
        String subject = jwt.getSubject();
        if (subject == null || subject.isBlank()) {
            throw new InvalidBearerTokenException("The token names no subject");
        }
        ExternalAccounts.Profile profile = profile(jwt, issuer, alias);
        String profileKey = tenantId + "\n" + profile;
        String key = keyOf(jwt);
        Known k = known.get(key);
        if (k == null || !k.profile().equals(profileKey) || revoked.userChangedSince(k.user().userId(), k.readAt())) {
            k = sync(issuer, subject, tenantId, profile, profileKey, k);
            known.put(key, k);
        }
        if (!k.enabled()) {
            throw new InvalidBearerTokenException("The account is disabled in Deskport");
        }
        return new Outcome(new DeskportAuthentication(k.user(), jwt, null), k);
    }

    private Known sync(TrustedIssuers.Issuer issuer, String subject, UUID tenantId, ExternalAccounts.Profile profile,
                       String profileKey, Known before) {
        Instant readAt = Instant.now();
        String hash = sha256(profileKey);
        try {
            return tx.execute(s -> {
                UUID linked = jdbc.sql("select user_id from external_identity where issuer = ? and subject = ? "
                                + "and tenant_id = ?").params(issuer.issuer(), subject, tenantId)
                        .query(UUID.class).optional().orElse(before == null ? null : before.user().userId());
                ExternalAccounts.Account a = accounts.sync(tenantId, linked, profile, issuer.issuer());
                jdbc.sql("insert into external_identity (issuer, subject, tenant_id, user_id, claims_hash) "
                                + "values (?, ?, ?, ?, ?) on conflict (issuer, subject) do update set tenant_id = "
                                + "excluded.tenant_id, user_id = excluded.user_id, claims_hash = excluded.claims_hash, "
                                + "last_synced = now()")
                        .params(issuer.issuer(), subject, tenantId, a.userId(), hash).update();
                return new Known(new CurrentUser(a.userId(), tenantId, a.username(), a.roles()), profileKey,
                        a.enabled(), readAt);
            });
        } catch (ExternalAccounts.UsernameTaken e) {
            throw new InvalidBearerTokenException("The username " + profile.username() + " is a local account's in "
                    + "this tenant: an admin must rename or remove it first");
        } catch (DataIntegrityViolationException e) {
            // the tenant's user of that name is another identity's already
            throw new InvalidBearerTokenException("The account " + profile.username() + " belongs to another identity");
        }
    }

    /** The one organization the token names ({@code organization}: a list of aliases, or an object keyed by them). */
    static String organization(Jwt jwt) {
        Object claim = jwt.getClaims().get("organization");
        Collection<?> aliases = claim instanceof Map<?, ?> m ? m.keySet() : claim instanceof Collection<?> c ? c
                : claim instanceof String s ? List.of(s) : List.of();
        if (aliases.isEmpty()) {
            throw new InvalidBearerTokenException("The token names no organization (tenant)");
        }
        if (aliases.size() > 1) {
            throw new InvalidBearerTokenException("The token names more than one organization: sign in to one");
        }
        return String.valueOf(aliases.iterator().next());
    }

    static ExternalAccounts.Profile profile(Jwt jwt, TrustedIssuers.Issuer issuer, String alias) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        addRoles(roles, jwt.getClaims().get("realm_access"), issuer.platform());
        if (jwt.getClaims().get("resource_access") instanceof Map<?, ?> clients) {
            addRoles(roles, clients.get(issuer.audience()), issuer.platform());
        }
        Set<String> groups = new TreeSet<>();
        List<String> paths = jwt.getClaimAsStringList("groups");
        if (paths != null) {
            String prefix = alias == null ? "/" : "/" + alias + "/";
            for (String path : paths) {
                if (path.startsWith(prefix) && path.length() > prefix.length()) {
                    groups.add(path.substring(prefix.length()));
                } else if (alias == null && !path.startsWith("/")) {
                    groups.add(path);
                }
            }
        }
        String username = firstOf(jwt.getClaimAsString("preferred_username"), jwt.getClaimAsString("email"),
                jwt.getSubject());
        String name = firstOf(jwt.getClaimAsString("name"), username);
        return new ExternalAccounts.Profile(username, name, jwt.getClaimAsString("email"), roles, groups);
    }

    private static void addRoles(Set<Role> roles, Object access, boolean platformRealm) {
        if (access instanceof Map<?, ?> m && m.get("roles") instanceof Collection<?> names) {
            for (Object n : names) {
                for (Role r : Role.values()) {
                    if (r.name().equals(n) && (r != Role.PLATFORM_ADMIN || platformRealm)) {
                        roles.add(r);
                    }
                }
            }
        }
    }

    static boolean isServiceAccountName(String username) {
        return username != null && username.startsWith("service-account-");
    }

    /** The first of the values that is not blank, or {@code ""}. */
    static String firstOf(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return "";
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The user a subject of an issuer is linked to, if they ever signed in. */
    java.util.Optional<Linked> linked(String issuer, String subject) {
        return jdbc.sql("select tenant_id, user_id from external_identity where issuer = ? and subject = ?")
                .params(issuer, subject)
                .query((rs, n) -> new Linked(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class))).optional();
    }

    record Linked(UUID tenantId, UUID userId) {
    }


}
