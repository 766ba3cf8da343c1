package io.deskport.broker.identity;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.ConfigurationModel;
import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.deskport.broker.shared.Role;
import io.deskport.broker.tenancy.PasswordPolicy;
import io.deskport.broker.tenancy.Tenant;
import io.deskport.broker.tenancy.Tenants;
import io.deskport.broker.tenancy.Users;

/**
 * Creates a tenant together with its identity: with Keycloak, its organization in the platform realm (alias = the
 * slug, with its e-mail domains) or a realm of its own, and its first admin there (TENANT_ADMIN, a temporary password
 * or the organization's invitation); without Keycloak, a local first admin with a temporary password.
 *
 * <p>Nothing is left half-done. Without Keycloak it is one transaction. With Keycloak, a pending row
 * ({@code identity_onboarding}) is committed before Keycloak is touched, every Keycloak step looks up before it
 * creates (never adopting an account that is not marked as the tenant's), and the tenant is created in the transaction that removes the pending row; a failure on the way removes
 * what Keycloak got and the pending row, and a broker that dies on the way leaves a pending row that
 * {@link OnboardingReconciler} undoes. (Undone rather than completed: the temporary password was never handed out.)
 */
@Service
class TenantOnboarding {

    private static final Logger log = LoggerFactory.getLogger(TenantOnboarding.class);
    private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Tenants tenants;
    private final Users users;
    private final KeycloakAdmin keycloak;
    private final PasswordPolicy policy;
    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate tx;

    TenantOnboarding(Tenants tenants, Users users, KeycloakAdmin keycloak, PasswordPolicy policy, JdbcClient jdbc,
                     ApplicationEventPublisher events,
                     @org.springframework.beans.factory.annotation.Qualifier(ConfigurationModel.TRANSACTION_MANAGER)
                     PlatformTransactionManager configuration) {
        this.tenants = tenants;
        this.users = users;
        this.keycloak = keycloak;
        this.policy = policy;
        this.jdbc = jdbc;
        this.events = events;
        this.tx = new TransactionTemplate(configuration);
    }

    /** The tenant's first admin; {@code invite}: Keycloak mails them the organization's invitation instead of a password. */
    record FirstAdmin(String username, String email, String displayName, boolean invite) {
    }

    /** What to onboard: the tenant as {@link Tenants.NewTenant}, and its identity. */
    record Onboarding(Tenants.NewTenant tenant, List<String> domains, boolean dedicatedRealm, FirstAdmin firstAdmin) {
    }

    /**
     * @param temporaryPassword shown once (never stored in clear, never logged); null when invited
     * @param userId the local account's id; null with Keycloak (the user appears in Deskport at first sign-in)
     */
    record OnboardedAdmin(String username, UUID userId, String temporaryPassword, boolean invited) {
    }

    /**
     * @param identityProvider {@code local} or {@code keycloak}
     * @param organization the organization's alias (with Keycloak, unless dedicated), else null
     * @param realm the tenant's own realm, or null
     * @param issuer its tokens' issuer, or null
     */
    record Onboarded(Tenant tenant, String identityProvider, String organization, String realm, String issuer,
                     List<String> domains, OnboardedAdmin firstAdmin) {
    }

    Onboarded onboard(CurrentUser actor, Onboarding o) {
        if (tenants.findBySlug(o.tenant().slug()).isPresent()) {
            throw new ProblemException(Reason.CONFLICT, "A tenant with the slug '" + o.tenant().slug() + "' exists");
        }
        return keycloak.enabled() ? withKeycloak(actor, o) : locally(actor, o);
    }

    // ---- local accounts --------------------------------------------------------------------------------------

    private Onboarded locally(CurrentUser actor, Onboarding o) {
        if (o.dedicatedRealm()) {
            throw invalid("dedicatedRealm", "needs Keycloak (deskport.identity.keycloak.url is not set)");
        }
        if (o.firstAdmin() != null && o.firstAdmin().invite()) {
            throw new ProblemException(Reason.INVITATION_UNAVAILABLE, "Local accounts have no invitations (no mail is "
                    + "sent without Keycloak); leave invite out to get a temporary password");
        }
        return tx.execute(status -> {
            Tenant tenant = tenants.create(actor, o.tenant()).body();
            if (!o.domains().isEmpty()) {
                // kept for the day the tenant's organization is linked in Keycloak
                jdbc.sql("insert into identity_organization (tenant_id, alias, domains) values (?, ?, ?)")
                        .params(tenant.id(), tenant.slug(), o.domains().toArray(String[]::new)).update();
            }
            OnboardedAdmin admin = null;
            if (o.firstAdmin() != null) {
                FirstAdmin f = o.firstAdmin();
                String password = temporaryPassword(f.username());
                UUID userId = users.create(new AdminContext(actor, tenant.id()), new Users.NewUser(f.username(),
                        f.displayName(), f.email(), password, Set.of(Role.TENANT_ADMIN))).body().id();
                admin = new OnboardedAdmin(f.username(), userId, password, false);
            }
            audit(actor, tenant, "local", null, null, o);
            return new Onboarded(tenant, "local", null, null, null, o.domains(), admin);
        });
    }

    // ---- Keycloak --------------------------------------------------------------------------------------------

    private Onboarded withKeycloak(CurrentUser actor, Onboarding o) {
        String slug = o.tenant().slug();
        FirstAdmin f = o.firstAdmin();
        if (f != null && f.invite() && (o.dedicatedRealm() || !keycloak.canSendMail(keycloak.platformRealm()))) {
            throw new ProblemException(Reason.INVITATION_UNAVAILABLE, o.dedicatedRealm()
                    ? "A new realm has no mail server to send the invitation with; leave invite out to get a "
                    + "temporary password"
                    : "The realm " + keycloak.platformRealm() + " has no mail server (SMTP) set up in Keycloak; set "
                    + "one up or leave invite out to get a temporary password");
        }
        if (o.dedicatedRealm() ? keycloak.realmExists(slug) : keycloak.organization(slug).isPresent()) {
            throw new ProblemException(Reason.CONFLICT, (o.dedicatedRealm() ? "A realm" : "An organization")
                    + " named '" + slug + "' exists in Keycloak already");
        }
        try {
            jdbc.sql("insert into identity_onboarding (slug, dedicated_realm, first_admin) values (?, ?, ?)")
                    .params(slug, o.dedicatedRealm(), f == null ? null : firstAdminKey(f)).update();
        } catch (DuplicateKeyException e) {
            throw new ProblemException(Reason.CONFLICT, "The tenant '" + slug + "' is being onboarded already");
        }
        String realm = o.dedicatedRealm() ? slug : keycloak.platformRealm();
        try {
            String organizationId = null;
            if (o.dedicatedRealm()) {
                keycloak.createDedicatedRealm(slug, o.tenant().name());
            } else {
                organizationId = keycloak.createOrganization(slug, o.tenant().name(), o.domains());
            }
            OnboardedAdmin admin = null;
            if (f != null) {
                String password = f.invite() ? null : temporaryPassword(f.username());
                String userId = keycloak.createUser(realm, slug, f.username(), f.email(), f.displayName(), password,
                        Role.TENANT_ADMIN);
                if (!o.dedicatedRealm()) {
                    keycloak.addMember(slug, userId);
                    if (f.invite()) {
                        keycloak.invite(slug, userId);
                    }
                }
                admin = new OnboardedAdmin(f.username(), null, password, f.invite());
            }
            String orgId = organizationId;
            OnboardedAdmin firstAdmin = admin;
            return tx.execute(status -> complete(actor, o, orgId, firstAdmin));
        } catch (RuntimeException failed) {
            undo(slug, o.dedicatedRealm(), f == null ? null : firstAdminKey(f));
            log.warn("Onboarding of tenant '{}' failed and was undone: {}", slug, failed.toString());
            throw failed;
        }
    }

    private Onboarded complete(CurrentUser actor, Onboarding o, String organizationId, OnboardedAdmin admin) {
        String slug = o.tenant().slug();
        if (jdbc.sql("delete from identity_onboarding where slug = ?").param(slug).update() == 0) {
            // the reconciler took this onboarding for a dead broker's and undid it
            throw KeycloakAdmin.failed("the onboarding of '" + slug + "' took too long and was undone");
        }
        Tenant tenant = tenants.create(actor, o.tenant()).body();
        String issuer = null;
        if (o.dedicatedRealm()) {
            issuer = keycloak.issuer(slug);
            jdbc.sql("insert into identity_issuer (issuer, tenant_id, realm, audience) values (?, ?, ?, ?)")
                    .params(issuer, tenant.id(), slug, keycloak.clientId()).update();
        } else {
            jdbc.sql("insert into identity_organization (tenant_id, alias, organization_id, domains) values (?, ?, ?, ?)")
                    .params(tenant.id(), slug, organizationId, o.domains().toArray(String[]::new)).update();
        }
        audit(actor, tenant, "keycloak", o.dedicatedRealm() ? null : slug, o.dedicatedRealm() ? slug : null, o);
        return new Onboarded(tenant, "keycloak", o.dedicatedRealm() ? null : slug, o.dedicatedRealm() ? slug : null,
                issuer, o.domains(), admin);
    }

    /**
     * Removes what an onboarding created in Keycloak and its pending row. Safe to repeat; only ever called for a slug
     * whose onboarding holds the pending row, so whatever Keycloak has under that name is the onboarding's.
     */
    void undo(String slug, boolean dedicatedRealm, String firstAdmin) {
        try {
            if (keycloak.enabled()) {
                if (dedicatedRealm) {
                    keycloak.deleteRealm(slug);
                } else {
                    if (firstAdmin != null) {
                        keycloak.deleteUser(keycloak.platformRealm(), slug, firstAdmin);
                    }
                    keycloak.deleteOrganization(slug);
                }
            }
            jdbc.sql("delete from identity_onboarding where slug = ?").param(slug).update();
        } catch (RuntimeException e) {
            // the pending row stays: the reconciler tries again
            log.warn("Could not undo the onboarding of tenant '{}' yet ({}); the reconciler will", slug, e.toString());
        }
    }

    /** How Keycloak will know the first admin: by e-mail in a realm that uses it as the username, else by name. */
    private static String firstAdminKey(FirstAdmin f) {
        return f.email() == null || f.email().isBlank() ? f.username() : f.email();
    }

    private void audit(CurrentUser actor, Tenant tenant, String provider, String organization, String realm,
                       Onboarding o) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("slug", tenant.slug());
        details.put("identityProvider", provider);
        details.put("organization", organization);
        details.put("realm", realm);
        details.put("domains", o.domains());
        details.put("firstAdmin", o.firstAdmin() == null ? null : o.firstAdmin().username());
        details.put("invited", o.firstAdmin() != null && o.firstAdmin().invite());
        events.publishEvent(new AdminActionPerformed(tenant.id(), actor, "TENANT_ONBOARDED", "TENANT",
                tenant.id().toString(), details));
    }

    /** A random password that the policy accepts (it must: the admin is told to sign in with it). */
    private String temporaryPassword(String username) {
        while (true) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
            }
            if (policy.violations(username, sb.toString()).isEmpty()) {
                return sb.toString();
            }
        }
    }

    private static ProblemException invalid(String field, String message) {
        return new ProblemException(Reason.VALIDATION_FAILED, field + ": " + message,
                Map.of("errors", List.of(Map.of("field", field, "message", message))));
    }
}
