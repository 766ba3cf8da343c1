package io.deskport.broker.identity;

import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.shared.ConfigurationModel;
import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.deskport.broker.shared.Versions.Versioned;
import io.deskport.broker.tenancy.Tenant;
import io.deskport.broker.tenancy.Tenants;

/**
 * Offboards a tenant and reactivates it, in Deskport ({@link Tenants#offboard}: sign-in refused, every user's tokens
 * revoked, live sessions disconnected, audited) and in Keycloak (its organization or its own realm disabled, its
 * users' Keycloak sessions ended).
 *
 * <p>Offboarding changes Deskport first: what Deskport controls is shut even while Keycloak is down, and a failure of
 * Keycloak's answers 502 IDENTITY_PROVIDER_FAILED — calling again (it is idempotent) finishes it. Reactivation goes
 * the other way round (Keycloak first), so a failure leaves the tenant offboarded, never half open.
 */
@Service
class TenantOffboarding {

    private static final Logger log = LoggerFactory.getLogger(TenantOffboarding.class);

    private final Tenants tenants;
    private final KeycloakAdmin keycloak;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    TenantOffboarding(Tenants tenants, KeycloakAdmin keycloak, JdbcClient jdbc,
                      @Qualifier(ConfigurationModel.TRANSACTION_MANAGER) PlatformTransactionManager configuration) {
        this.tenants = tenants;
        this.keycloak = keycloak;
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(configuration);
    }

    Versioned<Tenant> offboard(CurrentUser actor, UUID tenantId) {
        Versioned<Tenant> offboarded = tx.execute(status -> {
            Versioned<Tenant> t = tenants.offboard(actor, tenantId);
            setEnabled(tenantId, false);
            return t;
        });
        try {
            inKeycloak(tenantId, false);
        } catch (ProblemException failed) {
            throw new ProblemException(Reason.IDENTITY_PROVIDER_FAILED, "The tenant is offboarded in Deskport (nobody "
                    + "of it signs in here), but Keycloak could not be told; call again to finish. " + failed.getMessage());
        }
        return offboarded;
    }

    Versioned<Tenant> reactivate(CurrentUser actor, UUID tenantId) {
        tenants.get(tenantId); // 404 before Keycloak is touched
        inKeycloak(tenantId, true);
        return tx.execute(status -> {
            Versioned<Tenant> t = tenants.reactivate(actor, tenantId);
            setEnabled(tenantId, true);
            return t;
        });
    }

    private void setEnabled(UUID tenantId, boolean enabled) {
        jdbc.sql("update identity_organization set enabled = ?, updated_at = now() where tenant_id = ?")
                .params(enabled, tenantId).update();
        jdbc.sql("update identity_issuer set enabled = ? where tenant_id = ?").params(enabled, tenantId).update();
    }

    private void inKeycloak(UUID tenantId, boolean enabled) {
        if (!keycloak.enabled()) {
            return;
        }
        Optional<String> realm = jdbc.sql("select realm from identity_issuer where tenant_id = ?").param(tenantId)
                .query(String.class).optional();
        if (realm.isPresent()) {
            keycloak.enableRealm(realm.get(), enabled);
            if (!enabled) {
                keycloak.signOutRealm(realm.get());
            }
            log.info("Realm {} of tenant {} {} in Keycloak", realm.get(), tenantId, enabled ? "enabled" : "disabled");
            return;
        }
        Optional<String> alias = jdbc.sql("select alias from identity_organization where tenant_id = ? "
                + "and organization_id is not null").param(tenantId).query(String.class).optional();
        if (alias.isPresent()) {
            keycloak.enableOrganization(alias.get(), enabled);
            if (!enabled) {
                keycloak.signOutMembers(alias.get());
            }
            log.info("Organization {} of tenant {} {} in Keycloak", alias.get(), tenantId, enabled ? "enabled" : "disabled");
        }
    }
}
