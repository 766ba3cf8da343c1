package io.deskport.broker.identity;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;

import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.deskport.broker.tenancy.Tenant;
import io.deskport.broker.tenancy.Tenants;

/** Tenant onboarding and offboarding with the tenant's identity (role PLATFORM_ADMIN; enforced by the security rules). */
@RestController
@RequestMapping("/api/v1/admin/tenants")
class TenantOnboardingController {

    private final TenantOnboarding onboarding;
    private final TenantOffboarding offboarding;

    TenantOnboardingController(TenantOnboarding onboarding, TenantOffboarding offboarding) {
        this.onboarding = onboarding;
        this.offboarding = offboarding;
    }

    @Schema(description = "The tenant's first admin (role TENANT_ADMIN).")
    record FirstAdmin(
            @NotBlank @Pattern(regexp = "[A-Za-z0-9._@-]{1,128}", message = "letters, digits and . _ @ -, up to 128")
            String username,
            @Email @Size(max = 320) String email,
            @Size(max = 200) String displayName,
            @Schema(description = "Keycloak mails the organization's invitation instead of a temporary password "
                    + "(needs an e-mail address and a mail server in the realm: otherwise 422 INVITATION_UNAVAILABLE)")
            Boolean invite) {
    }

    record OnboardTenant(
            @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9-]{1,62}", message = "lowercase letters, digits and '-', 2-63 characters") String slug,
            @NotBlank @Size(max = 200) String name,
            @NotNull @PositiveOrZero @Max(1_000_000) Integer maxConcurrentSessions,
            @NotNull @PositiveOrZero @Max(1_000_000) Integer maxDesktops,
            @Schema(description = "IANA time zone, as for creating a tenant", defaultValue = Tenants.DEFAULT_TIME_ZONE)
            String timeZone,
            @Schema(description = "The tenant's e-mail domains: its Keycloak organization's (identity-first sign-in "
                    + "routes users by them)")
            @Size(max = 50) List<@Pattern(regexp = "(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+",
                    message = "must be a domain name such as example.com") String> domains,
            @Schema(description = "A Keycloak realm of the tenant's own (named after the slug) instead of an "
                    + "organization of the platform realm; needs Keycloak") Boolean dedicatedRealm,
            @Valid FirstAdmin firstAdmin) {
    }

    /**
     * Creates a tenant with its identity: with Keycloak, its organization (or its own realm) and its first admin
     * there; without, a local first admin. The first admin's temporary password is in this answer only (never
     * stored in clear, never logged): the admin changes it at their first sign-in. Keycloak failing on the way
     * answers 502 IDENTITY_PROVIDER_FAILED, and nothing is left behind (neither the tenant nor anything in Keycloak).
     */
    @Operation(summary = "Onboard a tenant with its organization or realm, e-mail domains and first admin")
    @PostMapping("/onboard")
    ResponseEntity<TenantOnboarding.Onboarded> onboard(CurrentUser me, @Valid @RequestBody OnboardTenant body) {
        FirstAdmin f = body.firstAdmin();
        boolean invite = f != null && Boolean.TRUE.equals(f.invite());
        if (invite && (f.email() == null || f.email().isBlank())) {
            throw new ProblemException(Reason.VALIDATION_FAILED, "firstAdmin.email: an invitation needs an e-mail address",
                    java.util.Map.of("errors", List.of(java.util.Map.of("field", "firstAdmin.email",
                            "message", "an invitation needs an e-mail address"))));
        }
        TenantOnboarding.Onboarded done = onboarding.onboard(me, new TenantOnboarding.Onboarding(
                new Tenants.NewTenant(body.slug(), body.name(), body.maxConcurrentSessions(), body.maxDesktops(),
                        body.timeZone()),
                body.domains() == null ? List.of() : body.domains().stream().map(d -> d.toLowerCase(java.util.Locale.ROOT))
                        .distinct().toList(),
                Boolean.TRUE.equals(body.dedicatedRealm()),
                f == null ? null : new TenantOnboarding.FirstAdmin(f.username(), f.email(), f.displayName(), invite)));
        return ResponseEntity.created(URI.create("/api/v1/admin/tenants/" + done.tenant().id()))
                .header(HttpHeaders.CACHE_CONTROL, "no-store").body(done);
    }

    /**
     * Offboards the tenant: nobody of it signs in (locally or through Keycloak), every user's tokens stop counting,
     * their desktop sessions are disconnected, and its Keycloak organization (or realm) is disabled. Its data stays;
     * {@code reactivate} undoes it. Calling it again changes nothing (and finishes a Keycloak step that failed).
     */
    @Operation(summary = "Offboard a tenant: sign-in refused, sessions ended, organization disabled")
    @PostMapping("/{id}/offboard")
    ResponseEntity<Tenant> offboard(CurrentUser me, @PathVariable UUID id) {
        return offboarding.offboard(me, id).ok();
    }

    /** Undoes an offboarding: the tenant's users may sign in again. */
    @Operation(summary = "Reactivate an offboarded tenant")
    @PostMapping("/{id}/reactivate")
    ResponseEntity<Tenant> reactivate(CurrentUser me, @PathVariable UUID id) {
        return offboarding.reactivate(me, id).ok();
    }
}
