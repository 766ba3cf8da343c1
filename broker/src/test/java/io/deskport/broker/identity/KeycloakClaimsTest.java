package io.deskport.broker.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;

import io.deskport.broker.shared.Role;
import io.deskport.broker.tenancy.ExternalAccounts;

/** How a Keycloak token's claims become a Deskport user, and which scope each request needs (no server). */
class KeycloakClaimsTest {

    private static final TrustedIssuers.Issuer PLATFORM = new TrustedIssuers.Issuer("http://kc/realms/deskport",
            "deskport", null, "deskport");
    private static final TrustedIssuers.Issuer DEDICATED = new TrustedIssuers.Issuer("http://kc/realms/initech",
            "initech", UUID.randomUUID(), "deskport");

    private static Jwt jwt(Map<String, Object> claims) {
        Jwt.Builder b = Jwt.withTokenValue("t").header("alg", "RS256").subject("s-1").issuedAt(Instant.now())
                .expiresAt(Instant.now().plusSeconds(60));
        claims.forEach(b::claim);
        return b.build();
    }

    @Test
    void rolesComeFromTheRealmAndTheBrokersClientAndPlatformAdminOnlyFromThePlatformRealm() {
        Jwt token = jwt(Map.of("realm_access", Map.of("roles", List.of("PLATFORM_ADMIN", "offline_access", "USER")),
                "resource_access", Map.of("deskport", Map.of("roles", List.of("HELPDESK")),
                        "other", Map.of("roles", List.of("TENANT_ADMIN"))),
                "preferred_username", "ann@acme.test", "organization", List.of("acme")));
        assertThat(ExternalUsers.profile(token, PLATFORM, "acme").roles())
                .containsExactlyInAnyOrder(Role.PLATFORM_ADMIN, Role.USER, Role.HELPDESK);
        assertThat(ExternalUsers.profile(token, DEDICATED, null).roles())
                .containsExactlyInAnyOrder(Role.USER, Role.HELPDESK);
    }

    @Test
    void onlyTheOrganizationsOwnGroupsCountInThePlatformRealm() {
        Jwt token = jwt(Map.of("groups", List.of("/acme/engineers", "/acme/engineers/frontend", "/globex/finance",
                "/acme", "/staff"), "preferred_username", "ann"));
        ExternalAccounts.Profile p = ExternalUsers.profile(token, PLATFORM, "acme");
        assertThat(p.groups()).containsExactly("engineers", "engineers/frontend");
        assertThat(ExternalUsers.profile(token, DEDICATED, null).groups())
                .containsExactlyInAnyOrder("acme/engineers", "acme/engineers/frontend", "globex/finance", "acme", "staff");
    }

    @Test
    void theTokenMustNameExactlyOneOrganization() {
        assertThat(ExternalUsers.organization(jwt(Map.of("organization", List.of("acme"))))).isEqualTo("acme");
        assertThat(ExternalUsers.organization(jwt(Map.of("organization", Map.of("acme", Map.of("id", "x"))))))
                .isEqualTo("acme");
        assertThatThrownBy(() -> ExternalUsers.organization(jwt(Map.of("name", "x"))))
                .isInstanceOf(InvalidBearerTokenException.class).hasMessageContaining("no organization");
        assertThatThrownBy(() -> ExternalUsers.organization(jwt(Map.of("organization", List.of("acme", "globex")))))
                .isInstanceOf(InvalidBearerTokenException.class).hasMessageContaining("more than one");
    }

    @Test
    void usernamesAreFittedToDeskportsRules() {
        Jwt token = jwt(Map.of("preferred_username", "josé maría+x@acme.test"));
        ExternalAccounts.Profile p = ExternalUsers.profile(token, PLATFORM, "acme");
        assertThat(p.username()).isEqualTo("josé maría+x@acme.test"); // fitted when stored (ExternalAccounts)
        assertThat(p.roles()).isEmpty(); // USER is given when stored
        assertThat(p.displayName()).isEqualTo("josé maría+x@acme.test");
    }

    @Test
    void eachRequestNeedsItsScope() {
        assertThat(ServiceAccountScopeGuard.requiredScope("GET", "/api/v1/usage/events")).isEqualTo("usage:read");
        assertThat(ServiceAccountScopeGuard.requiredScope("POST", "/api/v1/usage/events")).isNull();
        assertThat(ServiceAccountScopeGuard.requiredScope("GET", "/api/v1/admin/pools")).isEqualTo("admin:read");
        assertThat(ServiceAccountScopeGuard.requiredScope("PATCH", "/api/v1/admin/pools/x")).isEqualTo("admin:write");
        assertThat(ServiceAccountScopeGuard.requiredScope("POST", "/api/v1/admin/sessions/x/logoff"))
                .isEqualTo("sessions:write");
        assertThat(ServiceAccountScopeGuard.requiredScope("POST", "/api/v1/admin/sessions/x/shadow")).isNull();
        assertThat(ServiceAccountScopeGuard.requiredScope("GET", "/api/v1/admin/sessions")).isEqualTo("admin:read");
        assertThat(ServiceAccountScopeGuard.requiredScope("POST", "/api/v1/admin/service-accounts")).isNull();
        assertThat(ServiceAccountScopeGuard.requiredScope("GET", "/api/v1/admin/service-accounts")).isNull();
        assertThat(ServiceAccountScopeGuard.requiredScope("POST", "/api/v1/admin/tenants")).isNull();
        assertThat(ServiceAccountScopeGuard.requiredScope("POST", "/api/v1/pools/x/connect")).isNull();
        assertThat(ServiceAccountScopeGuard.requiredScope("POST", "/api/v1/sessions/x/tunnel")).isNull();
    }

    @Test
    void aTokenMayUseOnlyScopesBothGrantedAndCarried() {
        assertThat(ServiceAccounts.granted(Set.of("usage:read", "admin:read"), "openid usage:read admin:write"))
                .containsExactly("usage:read");
        assertThat(ServiceAccounts.granted(Set.of("usage:read"), null)).isEmpty();
    }
}
