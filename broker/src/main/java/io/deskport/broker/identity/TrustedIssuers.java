package io.deskport.broker.identity;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.deskport.broker.shared.DatabaseOutages;
import io.deskport.broker.tenancy.Tenant;
import io.deskport.broker.tenancy.Tenants;

/**
 * The Keycloak realms whose tokens the API accepts, and which tenant each token belongs to: the platform realm
 * (from the settings; the token's organization names the tenant) and the realms dedicated to one tenant
 * ({@code identity_issuer}). Every broker keeps both in memory and reads them again every few seconds, and at
 * once (at most once a second) when a token names an organization or issuer it does not know — so checking a
 * token needs no database read.
 */
@Component
class TrustedIssuers {

    private static final Logger log = LoggerFactory.getLogger(TrustedIssuers.class);
    private static final Duration MISS_REREAD = Duration.ofSeconds(1);

    /** A realm the API trusts; {@code tenantId} null for the platform realm. */
    record Issuer(String issuer, String realm, UUID tenantId, String audience) {
        boolean platform() {
            return tenantId == null;
        }
    }

    /** A tenant as an organization of the platform realm. */
    record Organization(UUID tenantId, String alias, boolean enabled) {
    }

    private final JdbcClient jdbc;
    private final KeycloakProperties keycloak;
    private final Tenants tenants;
    private volatile Map<String, Issuer> issuers = Map.of();
    private volatile Map<String, Organization> organizations = Map.of();
    private final Map<String, Instant> unknownOrganizations = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Instant> unknownIssuers = new java.util.concurrent.ConcurrentHashMap<>();

    TrustedIssuers(JdbcClient jdbc, KeycloakProperties keycloak, Tenants tenants) {
        this.jdbc = jdbc;
        this.tenants = tenants;
        this.keycloak = keycloak;
    }

    /** True when any realm is trusted (Keycloak configured, or a dedicated realm registered). */
    boolean any() {
        return keycloak.enabled() || !issuers.isEmpty();
    }

    Optional<Issuer> find(String iss) {
        if (iss == null) {
            return Optional.empty();
        }
        if (keycloak.enabled() && iss.equals(keycloak.issuer())) {
            return Optional.of(new Issuer(iss, keycloak.realm(), null, keycloak.clientId()));
        }
        Issuer found = issuers.get(iss);
        if (found == null && rereadAfterMiss(iss)) {
            found = issuers.get(iss);
        }
        return Optional.ofNullable(found);
    }

    /**
     * The tenant an organization alias of the platform realm names. An organization not linked yet is linked to the
     * tenant whose slug is its alias (organizations of the platform realm are created by the operator, or by
     * onboarding, for that tenant).
     */
    Optional<Organization> organization(String alias) {
        Organization found = organizations.get(alias);
        if (found != null) {
            return Optional.of(found);
        }
        Instant unknownUntil = unknownOrganizations.get(alias);
        if (unknownUntil != null && Instant.now().isBefore(unknownUntil)) {
            return Optional.empty();
        }
        Optional<Tenant> tenant = tenants.findBySlug(alias);
        if (tenant.isPresent()) {
            jdbc.sql("insert into identity_organization (tenant_id, alias) values (?, ?) on conflict do nothing")
                    .params(tenant.get().id(), alias).update();
        }
        refresh();
        found = organizations.get(alias);
        if (found == null) {
            // no tenant of that name: asked again at most once a second
            unknownOrganizations.put(alias, Instant.now().plus(MISS_REREAD));
        }
        return Optional.ofNullable(found);
    }

    /** Every dedicated realm (for the admin-event watch). */
    Map<String, Issuer> dedicated() {
        return issuers;
    }

    /**
     * Reads the realms again for an issuer not known, at most once a second per issuer (the issuer comes from a token
     * not verified yet: anyone can name any; the memory of unknown ones is bounded).
     */
    private boolean rereadAfterMiss(String iss) {
        Instant now = Instant.now();
        Instant until = unknownIssuers.get(iss);
        if (until != null && now.isBefore(until)) {
            return false;
        }
        if (unknownIssuers.size() >= 10_000) {
            unknownIssuers.clear();
        }
        unknownIssuers.put(iss, now.plus(MISS_REREAD));
        refresh();
        return true;
    }

    @Scheduled(fixedDelay = 5000, initialDelay = 0)
    synchronized void refresh() {
        try {
            Map<String, Issuer> is = new HashMap<>();
            jdbc.sql("select issuer, realm, tenant_id, audience from identity_issuer where enabled")
                    .query(rs -> {
                        is.put(rs.getString(1), new Issuer(rs.getString(1), rs.getString(2),
                                rs.getObject(3, UUID.class), rs.getString(4)));
                    });
            Map<String, Organization> os = new HashMap<>();
            jdbc.sql("select tenant_id, alias, enabled from identity_organization")
                    .query(rs -> {
                        os.put(rs.getString(2), new Organization(rs.getObject(1, UUID.class), rs.getString(2),
                                rs.getBoolean(3)));
                    });
            issuers = Map.copyOf(is);
            organizations = Map.copyOf(os);
            unknownOrganizations.values().removeIf(until -> Instant.now().isAfter(until));
            unknownIssuers.values().removeIf(until -> Instant.now().isAfter(until));
        } catch (RuntimeException e) {
            log.warn("Could not read the trusted identity realms ({}); keeping the ones known",
                    DatabaseOutages.rootMessage(e));
        }
    }
}
