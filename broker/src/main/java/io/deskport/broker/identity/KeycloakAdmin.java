package io.deskport.broker.identity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.core.Response;

import org.keycloak.OAuth2Constants;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.KeycloakBuilder;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.OrganizationDomainRepresentation;
import org.keycloak.representations.idm.OrganizationRepresentation;
import org.keycloak.representations.idm.ProtocolMapperRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.deskport.broker.shared.Role;

/**
 * The broker's hands in Keycloak: organizations, dedicated realms with the broker's client, and users, through
 * Keycloak's admin REST client ({@code keycloak-admin-client}), signed in with the client credentials of
 * {@code admin-client-id} in {@code admin-realm}. Every step looks up before it creates, so a step repeated after a
 * crash finds its earlier work instead of failing. Any failure of Keycloak's is a {@link ProblemException}
 * IDENTITY_PROVIDER_FAILED (502). Only used when Keycloak is configured ({@link #enabled}).
 */
@Component
class KeycloakAdmin implements DisposableBean {

    private final KeycloakProperties properties;
    private volatile Keycloak keycloak;

    KeycloakAdmin(KeycloakProperties properties) {
        this.properties = properties;
    }

    boolean enabled() {
        return properties.enabled();
    }

    /** The platform realm, where tenants are organizations. */
    String platformRealm() {
        return properties.realm();
    }

    /** The issuer of a realm's tokens. */
    String issuer(String realm) {
        return properties.issuer(realm);
    }

    /** The broker's client in every realm (the audience of the tokens the API accepts). */
    String clientId() {
        return properties.clientId();
    }

    private Keycloak keycloak() {
        if (!properties.enabled()) {
            throw new IllegalStateException("Keycloak is not configured (deskport.identity.keycloak.url)");
        }
        Keycloak k = keycloak;
        if (k == null) {
            synchronized (this) {
                if (keycloak == null) {
                    keycloak = KeycloakBuilder.builder().serverUrl(properties.url()).realm(properties.adminRealm())
                            .grantType(OAuth2Constants.CLIENT_CREDENTIALS).clientId(properties.adminClientId())
                            .clientSecret(properties.adminClientSecret())
                            .resteasyClient(ClientBuilder.newBuilder().connectTimeout(5, TimeUnit.SECONDS)
                                    .readTimeout(30, TimeUnit.SECONDS).build())
                            .build();
                }
                k = keycloak;
            }
        }
        return k;
    }

    private RealmResource realm(String name) {
        return keycloak().realm(name);
    }

    // ---- organizations of the platform realm -----------------------------------------------------------------

    /** The attribute that marks an organization as a tenant's (Keycloak's search matches names, not aliases). */
    static final String TENANT_ATTRIBUTE = "deskport-tenant";

    /** The tenant's organization: the one with its slug as alias and {@link #TENANT_ATTRIBUTE}. */
    Optional<OrganizationRepresentation> organization(String alias) {
        return call("find organization " + alias, () -> realm(platformRealm()).organizations()
                .searchByAttribute(TENANT_ATTRIBUTE + ":" + alias, 0, 10).stream()
                .filter(o -> alias.equals(o.getAlias())).findFirst());
    }

    /** Creates the organization (alias = the tenant's slug) with its e-mail domains, or returns the one there. */
    String createOrganization(String alias, String name, List<String> domains) {
        Optional<OrganizationRepresentation> there = organization(alias);
        if (there.isPresent()) {
            return there.get().getId();
        }
        OrganizationRepresentation o = new OrganizationRepresentation();
        o.setAlias(alias);
        o.setName(name);
        o.setEnabled(true);
        o.singleAttribute(TENANT_ATTRIBUTE, alias);
        domains.forEach(d -> o.addDomain(new OrganizationDomainRepresentation(d)));
        return call("create organization " + alias, () -> {
            try (Response r = realm(platformRealm()).organizations().create(o)) {
                return CreatedResponseUtil.getCreatedId(r);
            }
        });
    }

    /** Enables or disables the organization; false when there is none. */
    boolean enableOrganization(String alias, boolean enabled) {
        Optional<OrganizationRepresentation> there = organization(alias);
        if (there.isEmpty()) {
            return false;
        }
        OrganizationRepresentation o = there.get();
        o.setEnabled(enabled);
        call("update organization " + alias, () -> {
            try (Response r = realm(platformRealm()).organizations().get(o.getId()).update(o)) {
                return expect(r, "update organization " + alias);
            }
        });
        return true;
    }

    /** Ends the Keycloak sessions of every member of the organization. */
    void signOutMembers(String alias) {
        organization(alias).ifPresent(o -> call("sign out members of " + alias, () -> {
            realm(platformRealm()).organizations().get(o.getId()).members().getAll()
                    .forEach(m -> realm(platformRealm()).users().get(m.getId()).logout());
            return null;
        }));
    }

    void deleteOrganization(String alias) {
        organization(alias).ifPresent(o -> call("delete organization " + alias, () -> {
            try (Response r = realm(platformRealm()).organizations().get(o.getId()).delete()) {
                return expect(r, "delete organization " + alias);
            }
        }));
    }

    void addMember(String alias, String userId) {
        OrganizationRepresentation o = organization(alias).orElseThrow(() -> failed("organization " + alias + " is gone"));
        call("add member to " + alias, () -> {
            boolean member = realm(platformRealm()).organizations().get(o.getId()).members().getAll().stream()
                    .anyMatch(m -> userId.equals(m.getId()));
            if (!member) {
                try (Response r = realm(platformRealm()).organizations().get(o.getId()).members().addMember(userId)) {
                    expect(r, "add member to " + alias);
                }
            }
            return null;
        });
    }

    /** Sends the organization's invitation to an existing user (Keycloak mails them a link). */
    void invite(String alias, String userId) {
        OrganizationRepresentation o = organization(alias).orElseThrow(() -> failed("organization " + alias + " is gone"));
        call("invite to " + alias, () -> {
            try (Response r = realm(platformRealm()).organizations().get(o.getId()).members().inviteExistingUser(userId)) {
                return expect(r, "invite to " + alias);
            }
        });
    }

    /** Whether the realm can send mail (an invitation needs it). */
    boolean canSendMail(String realm) {
        return call("read realm " + realm, () -> {
            Map<String, String> smtp = realm(realm).toRepresentation().getSmtpServer();
            return smtp != null && smtp.get("host") != null && !smtp.get("host").isBlank();
        });
    }

    // ---- dedicated realms ------------------------------------------------------------------------------------

    boolean realmExists(String realm) {
        return call("find realm " + realm, () -> keycloak().realms().findAll().stream()
                .anyMatch(r -> realm.equals(r.getRealm())));
    }

    /**
     * Creates a realm for one tenant, or completes the one there: Deskport's four realm roles, and the broker's client
     * as the platform realm has it (confidential, its secret, redirect URIs, back-channel logout URL and protocol
     * mappers such as the audience and groups ones), so the broker signs users of either realm in the same way.
     */
    void createDedicatedRealm(String realm, String displayName) {
        if (!realmExists(realm)) {
            RealmRepresentation r = new RealmRepresentation();
            r.setRealm(realm);
            r.setDisplayName(displayName);
            r.setEnabled(true);
            call("create realm " + realm, () -> {
                keycloak().realms().create(r);
                return null;
            });
        }
        call("add roles to realm " + realm, () -> {
            Set<String> roles = new java.util.HashSet<>();
            realm(realm).roles().list().forEach(x -> roles.add(x.getName()));
            for (Role role : Role.values()) {
                if (!roles.contains(role.name())) {
                    RoleRepresentation rep = new RoleRepresentation();
                    rep.setName(role.name());
                    realm(realm).roles().create(rep);
                }
            }
            return null;
        });
        call("add client to realm " + realm, () -> {
            if (realm(realm).clients().findByClientId(clientId()).isEmpty()) {
                ClientRepresentation platform = realm(platformRealm()).clients().findByClientId(clientId()).stream()
                        .findFirst().orElseThrow(() -> failed("the platform realm has no client " + clientId()));
                ClientRepresentation copy = copyOf(platform, realm(platformRealm()).clients().get(platform.getId())
                        .getSecret().getValue());
                try (Response created = realm(realm).clients().create(copy)) {
                    expect(created, "create client in " + realm);
                }
            }
            return null;
        });
    }

    private static ClientRepresentation copyOf(ClientRepresentation platform, String secret) {
        ClientRepresentation c = new ClientRepresentation();
        c.setClientId(platform.getClientId());
        c.setName(platform.getName());
        c.setEnabled(true);
        c.setProtocol(platform.getProtocol());
        c.setPublicClient(false);
        c.setClientAuthenticatorType(platform.getClientAuthenticatorType());
        c.setSecret(secret);
        c.setStandardFlowEnabled(platform.isStandardFlowEnabled());
        c.setDirectAccessGrantsEnabled(platform.isDirectAccessGrantsEnabled());
        c.setServiceAccountsEnabled(platform.isServiceAccountsEnabled());
        c.setRedirectUris(platform.getRedirectUris());
        c.setWebOrigins(platform.getWebOrigins());
        c.setRootUrl(platform.getRootUrl());
        c.setBaseUrl(platform.getBaseUrl());
        c.setFrontchannelLogout(platform.isFrontchannelLogout());
        c.setAttributes(platform.getAttributes()); // the back-channel logout URL and PKCE settings live here
        c.setDefaultClientScopes(platform.getDefaultClientScopes());
        c.setOptionalClientScopes(platform.getOptionalClientScopes());
        if (platform.getProtocolMappers() != null) {
            List<ProtocolMapperRepresentation> mappers = new ArrayList<>();
            for (ProtocolMapperRepresentation m : platform.getProtocolMappers()) {
                ProtocolMapperRepresentation copy = new ProtocolMapperRepresentation();
                copy.setName(m.getName());
                copy.setProtocol(m.getProtocol());
                copy.setProtocolMapper(m.getProtocolMapper());
                copy.setConfig(m.getConfig());
                mappers.add(copy);
            }
            c.setProtocolMappers(mappers);
        }
        return c;
    }

    void enableRealm(String realm, boolean enabled) {
        call("update realm " + realm, () -> {
            RealmRepresentation r = realm(realm).toRepresentation();
            r.setEnabled(enabled);
            realm(realm).update(r);
            return null;
        });
    }

    /** Ends every Keycloak session of the realm. */
    void signOutRealm(String realm) {
        call("sign out realm " + realm, () -> {
            realm(realm).logoutAll();
            return null;
        });
    }

    void deleteRealm(String realm) {
        if (realmExists(realm)) {
            call("delete realm " + realm, () -> {
                realm(realm).remove();
                return null;
            });
        }
    }

    // ---- users -----------------------------------------------------------------------------------------------

    /**
     * A user by username, or by e-mail address: a realm with "e-mail as username" (identity-first sign-in) keeps the
     * address as the username whatever was asked for.
     */
    Optional<UserRepresentation> user(String realm, String usernameOrEmail) {
        return call("find user " + usernameOrEmail, () -> {
            Optional<UserRepresentation> byName = realm(realm).users().search(usernameOrEmail, true).stream()
                    .filter(u -> usernameOrEmail.equalsIgnoreCase(u.getUsername())).findFirst();
            return byName.isPresent() || !usernameOrEmail.contains("@") ? byName
                    : realm(realm).users().searchByEmail(usernameOrEmail, true).stream().findFirst();
        });
    }

    /**
     * Creates the tenant's first admin with the given realm role, marked as the tenant's ({@link #TENANT_ATTRIBUTE}).
     * An account that exists already under the name or e-mail address is never taken over (that would hand a
     * stranger the tenant): it fails the step.
     *
     * @param temporaryPassword a password the user must change at their first sign-in, or null for none
     * @return the user's id in Keycloak
     */
    String createUser(String realm, String tenant, String username, String email, String displayName,
                      String temporaryPassword, Role role) {
        if (user(realm, username).isPresent() || email != null && user(realm, email).isPresent()) {
            throw failed("a user named " + username + " or with that e-mail address exists in realm " + realm);
        }
        UserRepresentation u = new UserRepresentation();
        u.setUsername(username);
        u.setEmail(email);
        u.setEnabled(true);
        u.singleAttribute(TENANT_ATTRIBUTE, tenant);
        if (displayName != null) {
            int space = displayName.lastIndexOf(' ');
            u.setFirstName(space < 0 ? displayName : displayName.substring(0, space));
            u.setLastName(space < 0 ? null : displayName.substring(space + 1));
        }
        String id = call("create user " + username, () -> {
            try (Response r = realm(realm).users().create(u)) {
                return CreatedResponseUtil.getCreatedId(r);
            }
        });
        call("set up user " + username, () -> {
            if (temporaryPassword != null) {
                CredentialRepresentation c = new CredentialRepresentation();
                c.setType(CredentialRepresentation.PASSWORD);
                c.setValue(temporaryPassword);
                c.setTemporary(true);
                realm(realm).users().get(id).resetPassword(c);
            }
            RoleRepresentation r = realm(realm).roles().get(role.name()).toRepresentation();
            realm(realm).users().get(id).roles().realmLevel().add(List.of(r));
            return null;
        });
        return id;
    }

    /** Removes the tenant's first admin, only if the account is marked as this tenant's (never a stranger's). */
    void deleteUser(String realm, String tenant, String usernameOrEmail) {
        user(realm, usernameOrEmail).filter(u -> u.getAttributes() != null
                        && List.of(tenant).equals(u.getAttributes().get(TENANT_ATTRIBUTE)))
                .ifPresent(u -> call("delete user " + usernameOrEmail, () -> {
                    try (Response r = realm(realm).users().delete(u.getId())) {
                        return expect(r, "delete user " + usernameOrEmail);
                    }
                }));
    }

    /** The realm roles a user has (for tests and checks). */
    List<String> realmRoles(String realm, String userId) {
        return call("read roles", () -> realm(realm).users().get(userId).roles().realmLevel().listEffective().stream()
                .map(RoleRepresentation::getName).toList());
    }

    /** Whether the user is a member of the organization. */
    boolean isMember(String alias, String userId) {
        OrganizationRepresentation o = organization(alias).orElseThrow(() -> failed("no organization " + alias));
        return call("read members", () -> realm(platformRealm()).organizations().get(o.getId()).members().getAll()
                .stream().anyMatch(m -> userId.equals(m.getId())));
    }

    // ---- failures --------------------------------------------------------------------------------------------

    /** One admin event about a user: when (Keycloak's clock, ms), what, and the resource path ({@code users/<id>…}). */
    record UserEvent(long time, String operation, String resourcePath) {
    }

    /** A page of a realm's admin events about users from {@code dateFrom} (a day, {@code yyyy-MM-dd}) on, newest first. */
    List<UserEvent> userEvents(String realm, String dateFrom, int first, int max) {
        return call("read admin events of " + realm, () -> realm(realm).getAdminEvents(null, null, null, null, null,
                        null, List.of("USER"), dateFrom, null, first, max).stream()
                .map(e -> new UserEvent(e.getTime(), e.getOperationType(), e.getResourcePath() == null ? ""
                        : e.getResourcePath())).toList());
    }

    /** Whether a user may sign in: empty when the realm has no such user (removed). */
    Optional<Boolean> userEnabled(String realm, String userId) {
        return call("read user of " + realm, () -> {
            try {
                return Optional.of(!Boolean.FALSE.equals(realm(realm).users().get(userId).toRepresentation().isEnabled()));
            } catch (jakarta.ws.rs.NotFoundException gone) {
                return Optional.<Boolean>empty();
            }
        });
    }

    /** The ids of a user's sign-in sessions (the {@code sid} of their tokens); none when the user is gone. */
    List<String> userSessions(String realm, String userId) {
        return call("read sessions of " + realm, () -> {
            try {
                return realm(realm).users().get(userId).getUserSessions().stream().map(u -> u.getId()).toList();
            } catch (jakarta.ws.rs.NotFoundException gone) {
                return List.<String>of();
            }
        });
    }

    /** Ends one sign-in session of a realm (its {@code sid}), as an admin does; nothing when it is gone already. */
    void endSession(String realm, String sessionId) {
        call("end session in " + realm, () -> {
            try {
                realm(realm).deleteSession(sessionId, false);
            } catch (jakarta.ws.rs.NotFoundException gone) {
                // ended already
            }
            return null;
        });
    }

    // ---- service accounts ---------------------------------------------------------------------------------------

    /**
     * The Keycloak client of a service account: created when the realm has none of that id — confidential, client
     * credentials only, the broker's client as audience, the scopes as optional client scopes (made when the realm
     * has none of that name) — and then its generated secret returned (shown once by the API); an existing client is
     * left as it is (its secret is Keycloak's) and nothing returned.
     */
    Optional<String> ensureServiceClient(String realm, String clientId, String name, java.util.Collection<String> scopes) {
        return call("create client " + clientId + " in " + realm, () -> {
            if (!realm(realm).clients().findByClientId(clientId).isEmpty()) {
                return Optional.<String>empty();
            }
            Set<String> existing = new java.util.HashSet<>();
            realm(realm).clientScopes().findAll().forEach(cs -> existing.add(cs.getName()));
            for (String scope : scopes) {
                if (!existing.contains(scope)) {
                    org.keycloak.representations.idm.ClientScopeRepresentation cs =
                            new org.keycloak.representations.idm.ClientScopeRepresentation();
                    cs.setName(scope);
                    cs.setProtocol("openid-connect");
                    cs.setAttributes(java.util.Map.of("include.in.token.scope", "true",
                            "display.on.consent.screen", "false"));
                    try (Response created = realm(realm).clientScopes().create(cs)) {
                        expect(created, "create client scope " + scope);
                    }
                }
            }
            ClientRepresentation c = new ClientRepresentation();
            c.setClientId(clientId);
            c.setName(name);
            c.setEnabled(true);
            c.setProtocol("openid-connect");
            c.setPublicClient(false);
            c.setClientAuthenticatorType("client-secret");
            c.setServiceAccountsEnabled(true);
            c.setStandardFlowEnabled(false);
            c.setImplicitFlowEnabled(false);
            c.setDirectAccessGrantsEnabled(false);
            c.setOptionalClientScopes(new ArrayList<>(scopes));
            ProtocolMapperRepresentation audience = new ProtocolMapperRepresentation();
            audience.setName("deskport audience");
            audience.setProtocol("openid-connect");
            audience.setProtocolMapper("oidc-audience-mapper");
            audience.setConfig(java.util.Map.of("included.client.audience", clientId(), "access.token.claim", "true",
                    "id.token.claim", "false"));
            c.setProtocolMappers(List.of(audience));
            try (Response created = realm(realm).clients().create(c)) {
                expect(created, "create client " + clientId);
            }
            ClientRepresentation made = realm(realm).clients().findByClientId(clientId).get(0);
            return Optional.of(realm(realm).clients().get(made.getId()).getSecret().getValue());
        });
    }

    private interface Step<T> {
        T run();
    }

    private static <T> T call(String what, Step<T> step) {
        try {
            return step.run();
        } catch (WebApplicationException e) {
            throw failed(what + ": HTTP " + e.getResponse().getStatus());
        } catch (ProcessingException e) {
            throw failed(what + ": " + (e.getCause() == null ? e.getMessage() : e.getCause().toString()));
        }
    }

    private static Object expect(Response r, String what) {
        if (r.getStatus() >= 300) {
            throw failed(what + ": HTTP " + r.getStatus());
        }
        return null;
    }

    static ProblemException failed(String detail) {
        return new ProblemException(Reason.IDENTITY_PROVIDER_FAILED, "Keycloak: " + detail);
    }

    @Override
    public void destroy() {
        Keycloak k = keycloak;
        if (k != null) {
            k.close();
        }
    }
}
