package io.deskport.broker.tenancy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestHeader;
import tools.jackson.databind.JsonNode;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.Bulk;
import io.deskport.broker.shared.MergePatch;
import io.deskport.broker.shared.PageParams;
import org.springdoc.core.annotations.ParameterObject;
import io.deskport.broker.shared.Versions.IfMatch;
import io.deskport.broker.shared.Role;

/** Tenant administration of users and groups. */
@RestController
@RequestMapping("/api/v1/admin")
@Validated
class UserAdminController {

    private final Users users;
    private final Groups groups;
    private final MergePatch mergePatch;
    private final UserImport imports;

    UserAdminController(Users users, Groups groups, MergePatch mergePatch, UserImport imports) {
        this.imports = imports;
        this.mergePatch = mergePatch;
        this.users = users;
        this.groups = groups;
    }

    record CreateUser(
            @NotBlank @Pattern(regexp = "[A-Za-z0-9._@-]{1,128}", message = "letters, digits and . _ @ -, up to 128") String username,
            @Size(max = 200) String displayName,
            @Email @Size(max = 320) String email,
            @NotBlank @Size(max = 200, message = "must be at most 200 characters") String password,
            Set<Role> roles) {
    }

    record UpdateUser(@Size(min = 1, max = 200) String displayName, @Email @Size(max = 320) String email,
                      @Size(max = 200, message = "must be at most 200 characters") String password,
                      Set<Role> roles, Boolean enabled) {
    }

    record GroupBody(@NotBlank @Size(max = 200) String name, @Size(max = 2000) String description) {
    }

    record GroupChange(@Size(min = 1, max = 200) String name, @Size(max = 2000) String description) {
    }

    /** Filters of the user list: {@code q} (words in the username, display name or e-mail), {@code role}, {@code enabled}. */
    record UserQuery(@Size(max = 200) String q, Role role, Boolean enabled) {
    }

    /** The tenant's users, a page at a time; sort: {@code username} (default), {@code displayName}, {@code createdAt}. */
    @GetMapping("/users")
    ResponseEntity<List<User>> listUsers(AdminContext ctx, @ParameterObject @Valid UserQuery query,
                                         @ParameterObject @Valid PageParams page) {
        return users.page(ctx.tenantId(), new Users.UserFilter(query.q(), query.role(), query.enabled()), page).ok();
    }

    @PostMapping("/users")
    ResponseEntity<User> createUser(AdminContext ctx, @Valid @RequestBody CreateUser body) {
        return users.create(ctx, new Users.NewUser(body.username(), body.displayName(), body.email(), body.password(),
                body.roles())).created();
    }

    /**
     * Creates or updates many users, and their group memberships, from CSV ({@code text/csv}, a header line naming
     * the columns {@code username,displayName,email,password,roles,enabled,groups}; several roles or groups in a
     * cell separated by {@code ;}) or a JSON array of objects with those members. Up to 50,000 rows; a result per
     * row. See {@link UserImport}.
     */
    @PostMapping(path = "/users/import", consumes = {"text/csv", MediaType.APPLICATION_JSON_VALUE})
    UserImport.Result importUsers(AdminContext ctx, HttpServletRequest request) throws IOException {
        List<UserImport.Row> rows;
        try {
            rows = MediaType.parseMediaType(request.getContentType()).isCompatibleWith(MediaType.APPLICATION_JSON)
                    ? imports.readJson(request.getInputStream()) : imports.readCsv(request.getInputStream());
        } catch (UncheckedIOException e) {
            throw new HttpMessageNotReadableException("The import could not be read", e.getCause(),
                    new ServletServerHttpRequest(request));
        }
        return imports.apply(ctx, rows);
    }

    @GetMapping("/users/{id}")
    ResponseEntity<User> getUser(AdminContext ctx, @PathVariable UUID id) {
        return users.get(ctx.tenantId(), id).ok();
    }

    /** A partial change: members left out or null keep their values. */
    @PatchMapping("/users/{id}")
    ResponseEntity<User> updateUser(AdminContext ctx, @PathVariable UUID id,
                                    @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                    @Valid @RequestBody UpdateUser body) {
        return users.update(ctx, id, new IfMatch(ifMatch), new Users.UserChange(body.displayName(), body.email(),
                body.password(), body.roles(), body.enabled())).ok();
    }

    /** The same change as a JSON Merge Patch (RFC 7396): null removes the e-mail address; nothing else can be removed. */
    @PatchMapping(path = "/users/{id}", consumes = MergePatch.MEDIA_TYPE)
    ResponseEntity<User> mergePatchUser(AdminContext ctx, @PathVariable UUID id,
                                        @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                        @RequestBody JsonNode patch) {
        return updateUser(ctx, id, ifMatch, mergePatch.read(patch, UpdateUser.class, Map.of("email", "")));
    }

    @DeleteMapping("/users/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void deleteUser(AdminContext ctx, @PathVariable UUID id) {
        users.delete(ctx, id);
    }

    /** Filters of the group list: {@code q} (words in the name or description), {@code memberId} (groups of this user). */
    record GroupQuery(@Size(max = 200) String q, UUID memberId) {
    }

    /** The tenant's groups, a page at a time; sort: {@code name} (default), {@code createdAt}. */
    @GetMapping("/groups")
    ResponseEntity<List<Group>> listGroups(AdminContext ctx, @ParameterObject @Valid GroupQuery query,
                                           @ParameterObject @Valid PageParams page) {
        return groups.page(ctx.tenantId(), query.q(), query.memberId(), page).ok();
    }

    @PostMapping("/groups")
    ResponseEntity<Group> createGroup(AdminContext ctx, @Valid @RequestBody GroupBody body) {
        return groups.create(ctx, body.name(), body.description()).created();
    }

    @GetMapping("/groups/{id}")
    ResponseEntity<Group> getGroup(AdminContext ctx, @PathVariable UUID id) {
        return groups.get(ctx.tenantId(), id).ok();
    }

    /** A partial change: members left out or null keep their values. */
    @PatchMapping("/groups/{id}")
    ResponseEntity<Group> updateGroup(AdminContext ctx, @PathVariable UUID id,
                                      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                      @Valid @RequestBody GroupChange body) {
        return groups.update(ctx, id, new IfMatch(ifMatch), body.name(), body.description()).ok();
    }

    /** The same change as a JSON Merge Patch (RFC 7396): null removes the description. */
    @PatchMapping(path = "/groups/{id}", consumes = MergePatch.MEDIA_TYPE)
    ResponseEntity<Group> mergePatchGroup(AdminContext ctx, @PathVariable UUID id,
                                          @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                          @RequestBody JsonNode patch) {
        return updateGroup(ctx, id, ifMatch, mergePatch.read(patch, GroupChange.class, Map.of("description", "")));
    }

    @DeleteMapping("/groups/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void deleteGroup(AdminContext ctx, @PathVariable UUID id) {
        groups.delete(ctx, id);
    }

    @PutMapping("/groups/{id}/members/{userId}")
    ResponseEntity<Group> addMember(AdminContext ctx, @PathVariable UUID id, @PathVariable UUID userId) {
        return groups.addMember(ctx, id, userId).ok();
    }

    /** Users to add to a group at once. */
    record NewMembers(@NotEmpty @Size(max = Bulk.MAX_ITEMS) List<@NotNull UUID> userIds) {
    }

    /** Adds many users to a group, with a result per user (a user of another tenant, or none, is NOT_FOUND). */
    @PostMapping("/groups/{id}/members")
    Bulk.Result addMembers(AdminContext ctx, @PathVariable UUID id, @Valid @RequestBody NewMembers b) {
        groups.get(ctx.tenantId(), id);
        return Bulk.each(b.userIds(), user -> groups.addMember(ctx, id, user));
    }

    @DeleteMapping("/groups/{id}/members/{userId}")
    ResponseEntity<Group> removeMember(AdminContext ctx, @PathVariable UUID id, @PathVariable UUID userId) {
        return groups.removeMember(ctx, id, userId).ok();
    }
}
