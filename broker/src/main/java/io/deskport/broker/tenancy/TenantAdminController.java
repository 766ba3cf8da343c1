package io.deskport.broker.tenancy;

import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.deskport.broker.shared.CurrentUser;

/** Platform administration of tenants (role PLATFORM_ADMIN; enforced by the security rules). */
@RestController
@RequestMapping("/api/v1/admin/tenants")
class TenantAdminController {

    private final Tenants tenants;

    TenantAdminController(Tenants tenants) {
        this.tenants = tenants;
    }

    record CreateTenant(
            @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9-]{1,62}", message = "lowercase letters, digits and '-', 2-63 characters") String slug,
            @NotBlank @Size(max = 200) String name,
            @NotNull @PositiveOrZero @Max(1_000_000) Integer maxConcurrentSessions,
            @NotNull @PositiveOrZero @Max(1_000_000) Integer maxDesktops) {
    }

    record UpdateTenant(@Size(min = 1, max = 200) String name,
                        @PositiveOrZero @Max(1_000_000) Integer maxConcurrentSessions,
                        @PositiveOrZero @Max(1_000_000) Integer maxDesktops) {
    }

    @GetMapping
    List<Tenant> list() {
        return tenants.list();
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    Tenant create(CurrentUser me, @Valid @RequestBody CreateTenant body) {
        return tenants.create(me, new Tenants.NewTenant(body.slug(), body.name(), body.maxConcurrentSessions(),
                body.maxDesktops()));
    }

    @GetMapping("/{id}")
    Tenant get(@PathVariable UUID id) {
        return tenants.get(id);
    }

    @PatchMapping("/{id}")
    Tenant update(CurrentUser me, @PathVariable UUID id, @Valid @RequestBody UpdateTenant body) {
        return tenants.update(me, id, new Tenants.TenantChange(body.name(), body.maxConcurrentSessions(),
                body.maxDesktops()));
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(CurrentUser me, @PathVariable UUID id) {
        tenants.delete(me, id);
    }
}
