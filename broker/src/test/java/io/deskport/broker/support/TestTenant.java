package io.deskport.broker.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.context.ApplicationContext;

import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.Role;
import io.deskport.broker.tenancy.Tenant;
import io.deskport.broker.tenancy.Tenants;
import io.deskport.broker.tenancy.Users;

import static io.deskport.broker.support.Api.json;

/**
 * A fresh tenant for one test, with a tenant admin signed in; everything else is created through the
 * admin API the way an administrator would.
 */
public final class TestTenant {

    public static final String PASSWORD = "correct-horse-battery";
    private static final CurrentUser SETUP = new CurrentUser(null, null, "test-setup", Set.of(Role.PLATFORM_ADMIN));

    public final UUID id;
    public final String slug;
    public final Api anonymous;
    public final Api admin;

    public TestTenant(UUID id, String slug, Api anonymous, Api admin) {
        this.id = id;
        this.slug = slug;
        this.anonymous = anonymous;
        this.admin = admin;
    }

    public static TestTenant create(ApplicationContext context, int port, int maxSessions, int maxDesktops) {
        return create(context, port, "t" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE),
                maxSessions, maxDesktops);
    }

    /** A tenant of the given slug (e.g. an identity provider's organization alias) with its admin. */
    public static TestTenant create(ApplicationContext context, int port, String slug, int maxSessions, int maxDesktops) {
        Tenant tenant = context.getBean(Tenants.class).create(SETUP,
                new Tenants.NewTenant(slug, "Test " + slug, maxSessions, maxDesktops)).body();
        context.getBean(Users.class).create(new AdminContext(SETUP, tenant.id()),
                new Users.NewUser("admin", "Admin", null, PASSWORD, Set.of(Role.TENANT_ADMIN)));
        Api anonymous = new Api(port);
        return new TestTenant(tenant.id(), slug, anonymous, anonymous.login(slug, "admin", PASSWORD));
    }

    /** A user of this tenant with the given roles (USER when none). */
    public UUID user(String username, Role... roles) {
        StringBuilder r = new StringBuilder("[");
        for (int i = 0; i < roles.length; i++) {
            r.append(i > 0 ? "," : "").append('"').append(roles[i]).append('"');
        }
        Api.Response res = admin.post("/api/v1/admin/users", json("username", username, "password", PASSWORD,
                "roles", new Api.RawJson(roles.length == 0 ? "[\"USER\"]" : r.append(']').toString())));
        check(res, 201);
        return res.id();
    }

    /** A platform admin account in this tenant (only the platform can create one). */
    public Api platformAdmin(ApplicationContext context, String username) {
        context.getBean(Users.class).create(new AdminContext(SETUP, id),
                new Users.NewUser(username, username, null, PASSWORD, Set.of(Role.PLATFORM_ADMIN)));
        return login(username);
    }

    /**
     * Registers a hypervisor host of the simulated driver for this test's pools. The shared test broker's default
     * simulated host is gone as soon as any test registers a host of its own (another host takes its place), so a test
     * whose pools must be provisioned brings its own rather than depend on the order tests run in.
     */
    public UUID simulatedHypervisor(ApplicationContext context) {
        Api platform = platformAdmin(context, "hv-operator");
        Api.Response res = platform.post("/api/v1/admin/hypervisor-hosts", json("name", "sim-" + slug, "driverId",
                "simulated"));
        check(res, 201);
        return res.id();
    }

    public Api login(String username) {
        return anonymous.login(slug, username, PASSWORD);
    }

    public UUID pool(String name, String kind, String loadBalancing) {
        Api.Response res = admin.post("/api/v1/admin/pools", json("name", name, "kind", kind,
                "loadBalancing", loadBalancing));
        check(res, 201);
        return res.id();
    }

    public void entitle(UUID poolId, UUID userId) {
        check(admin.post("/api/v1/admin/pools/" + poolId + "/entitlements", json("userId", userId.toString())), 201);
    }

    public void entitleGroup(UUID poolId, UUID groupId) {
        check(admin.post("/api/v1/admin/pools/" + poolId + "/entitlements", json("groupId", groupId.toString())), 201);
    }

    public List<UUID> desktops(UUID poolId, int count, String state) {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Api.Response res = admin.post("/api/v1/admin/pools/" + poolId + "/desktops", json("name", "d" + i,
                    "consoleHost", "127.0.0.1", "consolePort", 5900 + i, "consolePassword", "secret-" + i, "state", state));
            check(res, 201);
            ids.add(res.id());
        }
        return ids;
    }

    public UUID host(UUID poolId, String name, int maxSessions) {
        Api.Response res = admin.post("/api/v1/admin/pools/" + poolId + "/session-hosts", json("name", name,
                "maxSessions", maxSessions, "consoleHost", "127.0.0.1", "consolePort", 5999, "consolePassword", "pw"));
        check(res, 201);
        return res.id();
    }

    public static Api.Response check(Api.Response res, int status) {
        if (res.status() != status) {
            throw new AssertionError("expected HTTP " + status + " but got " + res.status() + ": " + res.raw());
        }
        return res;
    }
}
