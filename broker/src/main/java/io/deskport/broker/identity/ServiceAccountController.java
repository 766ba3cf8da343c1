package io.deskport.broker.identity;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.Versions;

/**
 * The tenant's service accounts ({@link ServiceAccounts}): tenant admins manage their own tenant's, platform admins
 * any tenant's (the {@code X-Deskport-Tenant} header) and the platform-wide ones.
 */
@RestController
@RequestMapping("/api/v1/admin/service-accounts")
class ServiceAccountController {

    private final ServiceAccounts accounts;
    private final TrustedIssuers trusted;
    private final KeycloakProperties keycloak;
    private final KeycloakAdmin keycloakAdmin;

    ServiceAccountController(ServiceAccounts accounts, TrustedIssuers trusted, KeycloakProperties keycloak,
                             KeycloakAdmin keycloakAdmin) {
        this.keycloakAdmin = keycloakAdmin;
        this.accounts = accounts;
        this.trusted = trusted;
        this.keycloak = keycloak;
    }

    /**
     * A new service account.
     *
     * @param clientId for a Keycloak account, the client's id in its realm; for a local one, optional (generated)
     * @param issuer null or absent: a local account with a secret; else the Keycloak realm (its issuer URL) whose
     *               client-credentials tokens for {@code clientId} the API accepts — the platform realm, or the
     *               tenant's dedicated realm; a client of that id is created there when the realm has none
     */
    record NewAccount(@NotBlank @Size(max = 200) String name,
                      @Pattern(regexp = "[A-Za-z0-9._:-]{3,100}") String clientId,
                      @NotEmpty Set<@NotBlank String> scopes, Boolean platformWide,
                      @Size(max = 500) String issuer) {
    }

    record Change(@Size(min = 1, max = 200) String name, Set<@NotBlank String> scopes, Boolean enabled) {
    }

    /**
     * A created account. {@code clientSecret}: a local account's, or the Keycloak client's when Deskport created the
     * client (the realm had none of that id) — this once; {@code tokenEndpoint}: where the account gets its tokens.
     */
    record Created(ServiceAccounts.Account account, String clientSecret, String tokenEndpoint) {
    }

    record Secret(String clientSecret) {
    }

    @GetMapping
    List<ServiceAccounts.Account> list(AdminContext ctx) {
        return accounts.list(ctx.tenantId());
    }

    @GetMapping("/{id}")
    ResponseEntity<ServiceAccounts.Account> get(AdminContext ctx, @PathVariable UUID id) {
        ServiceAccounts.Account a = accounts.get(ctx.tenantId(), id);
        return ResponseEntity.ok().eTag(Versions.etag(a.version())).body(a);
    }

    @PostMapping
    ResponseEntity<Created> create(AdminContext ctx, @Valid @RequestBody NewAccount body) {
        Set<String> issuers = new LinkedHashSet<>();
        if (keycloak.enabled()) {
            issuers.add(keycloak.issuer());
        }
        trusted.dedicated().values().stream().filter(i -> ctx.tenantId().equals(i.tenantId()))
                .forEach(i -> issuers.add(i.issuer()));
        ServiceAccounts.Created c = accounts.create(ctx.actor(), ctx.tenantId(), new ServiceAccounts.NewAccount(
                body.name(), body.clientId(), body.scopes(), Boolean.TRUE.equals(body.platformWide()), body.issuer()), issuers);
        String secret = c.secret();
        String tokenEndpoint = secret == null ? null : "/api/v1/auth/token";
        if (body.issuer() != null && keycloakAdmin.enabled()) {
            // the client in Keycloak too, when the realm has none of that id (its secret shown this once)
            String realm = body.issuer().equals(keycloak.issuer()) ? keycloak.realm()
                    : trusted.dedicated().get(body.issuer()).realm();
            try {
                secret = keycloakAdmin.ensureServiceClient(realm, c.account().clientId(), body.name(), body.scopes())
                        .orElse(null);
            } catch (RuntimeException e) {
                accounts.delete(ctx.actor(), ctx.tenantId(), c.account().id());
                throw e;
            }
            tokenEndpoint = body.issuer() + "/protocol/openid-connect/token";
        }
        return ResponseEntity.status(HttpStatus.CREATED).eTag(Versions.etag(c.account().version()))
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(new Created(c.account(), secret, tokenEndpoint));
    }

    @PatchMapping("/{id}")
    ResponseEntity<ServiceAccounts.Account> update(AdminContext ctx, @PathVariable UUID id,
                                                   @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                                   @Valid @RequestBody Change body) {
        ServiceAccounts.Account a = accounts.update(ctx.actor(), ctx.tenantId(), id, new Versions.IfMatch(ifMatch),
                new ServiceAccounts.Change(body.name(), body.scopes(), body.enabled()));
        return ResponseEntity.ok().eTag(Versions.etag(a.version())).body(a);
    }

    /** A new secret for a local account; the old one stops working, and the tokens issued with it. */
    @PostMapping("/{id}/rotate-secret")
    ResponseEntity<Secret> rotate(AdminContext ctx, @PathVariable UUID id) {
        return ResponseEntity.ok().header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(new Secret(accounts.rotateSecret(ctx.actor(), ctx.tenantId(), id)));
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(AdminContext ctx, @PathVariable UUID id) {
        accounts.delete(ctx.actor(), ctx.tenantId(), id);
    }
}
