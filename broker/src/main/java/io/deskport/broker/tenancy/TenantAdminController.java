package io.deskport.broker.tenancy;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestHeader;
import tools.jackson.databind.JsonNode;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.media.Schema;

import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.MergePatch;
import io.deskport.broker.shared.PageParams;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.web.bind.annotation.RequestParam;
import io.deskport.broker.shared.Versions.IfMatch;

/** Platform administration of tenants (role PLATFORM_ADMIN; enforced by the security rules). */
@RestController
@RequestMapping("/api/v1/admin/tenants")
class TenantAdminController {

    private final Tenants tenants;
    private final MergePatch mergePatch;

    TenantAdminController(Tenants tenants, MergePatch mergePatch) {
        this.mergePatch = mergePatch;
        this.tenants = tenants;
    }

    record CreateTenant(
            @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9-]{1,62}", message = "lowercase letters, digits and '-', 2-63 characters") String slug,
            @NotBlank @Size(max = 200) String name,
            @NotNull @PositiveOrZero @Max(1_000_000) Integer maxConcurrentSessions,
            @NotNull @PositiveOrZero @Max(1_000_000) Integer maxDesktops,
            @Schema(description = TIME_ZONE, example = "Europe/Berlin", defaultValue = Tenants.DEFAULT_TIME_ZONE)
            String timeZone) {
    }

    record UpdateTenant(@Size(min = 1, max = 200) String name,
                        @PositiveOrZero @Max(1_000_000) Integer maxConcurrentSessions,
                        @PositiveOrZero @Max(1_000_000) Integer maxDesktops,
                        @Schema(description = TIME_ZONE, example = "Europe/Berlin") String timeZone) {
    }

    private static final String TIME_ZONE = "The tenant's IANA time zone (a region id such as Europe/Berlin, or UTC): "
            + "its reports count days and months there. Anything else is 400 VALIDATION_FAILED.";

    /** The tenants, a page at a time; {@code q}: words in the slug or name; sort: {@code slug} (default), {@code name}, {@code createdAt}. */
    @GetMapping
    ResponseEntity<List<Tenant>> list(@RequestParam(required = false) @Size(max = 200) String q,
                                      @ParameterObject @Valid PageParams page) {
        return tenants.page(q, page).ok();
    }

    @PostMapping
    ResponseEntity<Tenant> create(CurrentUser me, @Valid @RequestBody CreateTenant body) {
        return tenants.create(me, new Tenants.NewTenant(body.slug(), body.name(), body.maxConcurrentSessions(),
                body.maxDesktops(), body.timeZone())).created();
    }

    @GetMapping("/{id}")
    ResponseEntity<Tenant> get(@PathVariable UUID id) {
        return tenants.versioned(id).ok();
    }

    /** A partial change: members left out or null keep their values. */
    @PatchMapping("/{id}")
    ResponseEntity<Tenant> update(CurrentUser me, @PathVariable UUID id,
                                  @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                  @Valid @RequestBody UpdateTenant body) {
        return tenants.update(me, id, new IfMatch(ifMatch), new Tenants.TenantChange(body.name(),
                body.maxConcurrentSessions(), body.maxDesktops(), body.timeZone())).ok();
    }

    /** The same change as a JSON Merge Patch (RFC 7396); no member of a tenant can be removed. */
    @PatchMapping(path = "/{id}", consumes = MergePatch.MEDIA_TYPE)
    ResponseEntity<Tenant> mergePatch(CurrentUser me, @PathVariable UUID id,
                                      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                      @RequestBody JsonNode patch) {
        return update(me, id, ifMatch, mergePatch.read(patch, UpdateTenant.class, Map.of()));
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(CurrentUser me, @PathVariable UUID id) {
        tenants.delete(me, id);
    }
}
