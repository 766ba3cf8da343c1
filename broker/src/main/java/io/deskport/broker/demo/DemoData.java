package io.deskport.broker.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.hosts.AgentEnrolments;
import io.deskport.broker.hosts.PublishedApplications;
import io.deskport.broker.pools.DesktopPool;
import io.deskport.broker.pools.DesktopPools;
import io.deskport.broker.pools.Entitlements;
import io.deskport.broker.pools.LoadBalancing;
import io.deskport.broker.pools.PoolKind;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.ConfigurationModel;
import io.deskport.broker.provisioning.ProvisioningSetup;
import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.Role;
import io.deskport.broker.tenancy.Group;
import io.deskport.broker.tenancy.Groups;
import io.deskport.broker.tenancy.Tenant;
import io.deskport.broker.tenancy.Tenants;
import io.deskport.broker.tenancy.User;
import io.deskport.broker.tenancy.Users;

/**
 * Creates the demo tenant on the first start of an empty database (guarded by an advisory lock, so two
 * brokers starting together create it once) and writes the generated sign-ins to
 * {@code deskport.demo.credentials-file} (mode 0600), which later starts leave as it is: the passwords in it
 * are the ones the database holds until someone changes them.
 */
@Component
class DemoData {

    private static final Logger log = LoggerFactory.getLogger(DemoData.class);
    private static final CurrentUser SETUP = new CurrentUser(null, null, "demo-setup", Set.of(Role.PLATFORM_ADMIN));
    private static final long LOCK = 0x6465736b706f7274L; // "deskport"

    private final DemoProperties properties;
    private final Path credentialsFile;
    private final TransactionTemplate tx;
    private final JdbcClient jdbc;
    private final Tenants tenants;
    private final Users users;
    private final Groups groups;
    private final DesktopPools pools;
    private final Entitlements entitlements;
    private final ProvisioningSetup provisioning;
    private final AgentEnrolments agents;
    private final PublishedApplications applications;
    private final DemoDesktops demoDesktops;

    DemoData(DemoProperties properties, @Qualifier(ConfigurationModel.TRANSACTION_MANAGER) PlatformTransactionManager txManager, JdbcClient jdbc, Tenants tenants, Users users, Groups groups,
             DesktopPools pools, Entitlements entitlements, ProvisioningSetup provisioning, AgentEnrolments agents,
             PublishedApplications applications, DemoDesktops demoDesktops) {
        this.applications = applications;
        this.properties = properties;
        this.provisioning = provisioning;
        this.agents = agents;
        this.demoDesktops = demoDesktops;
        this.credentialsFile = properties.credentialsFile();
        this.tx = new TransactionTemplate(txManager);
        this.jdbc = jdbc;
        this.tenants = tenants;
        this.users = users;
        this.groups = groups;
        this.pools = pools;
        this.entitlements = entitlements;
    }

    @EventListener(ApplicationReadyEvent.class)
    @Order(1)
    void createOnFirstStart() {
        if (!properties.enabled()) {
            return;
        }
        tx.executeWithoutResult(status -> {
            jdbc.sql("select pg_advisory_xact_lock(?)").param(LOCK).query(Object.class).single();
            if (tenants.findBySlug("demo").isPresent()) {
                return;
            }
            List<String> credentials = create();
            // written before the commit: should the broker die before committing, the next start creates the
            // demo data again and writes the file anew
            saveOrShow(credentials);
        });
    }

    private void saveOrShow(List<String> credentials) {
        StringBuilder text = new StringBuilder();
        text.append("# Deskport demo sign-ins, created ").append(Instant.now()).append(" with the demo data of this database.\n")
                .append("# They stay valid until changed (change them); the file is not written again. Starting on an empty\n")
                .append("# database (dev/run --reset) creates new ones. Sign in with the organisation, username and password.\n");
        credentials.forEach(c -> text.append(c).append('\n'));
        if (credentials.stream().noneMatch(c -> c.startsWith("organisation platform "))) {
            text.append("# the platform operator (organisation platform, user operator) has the password set by "
                    + "deskport.bootstrap.operator-password\n");
        }
        try {
            write(credentialsFile, text.toString());
            log.warn("Created the demo data; its sign-ins (change these passwords) are in {}", credentialsFile.normalize());
        } catch (IOException e) {
            StringBuilder banner = new StringBuilder("\n\n=== Deskport demo data created; could not write " + credentialsFile
                    + " (" + e + "), so the sign-ins are shown here, once ===\n");
            credentials.forEach(c -> banner.append("  ").append(c).append('\n'));
            banner.append("=====================================================================\n");
            log.warn(banner.toString());
        }
    }

    /** Writes the file whole (a reader never sees half of it), readable by the broker's user only from the start. */
    private static void write(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path partial = Files.createTempFile(dir, ".demo-credentials", ".partial",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(partial, text, StandardCharsets.UTF_8);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private List<String> create() {
        List<String> credentials = new ArrayList<>();
        if (tenants.findBySlug("platform").isEmpty()) {
            Tenant platform = tenants.create(SETUP, new Tenants.NewTenant("platform", "Platform operations", 10, 10)).body();
            String opPassword = password();
            users.create(new AdminContext(SETUP, platform.id()), new Users.NewUser("operator", "Platform operator", null,
                    opPassword, Set.of(Role.PLATFORM_ADMIN)));
            credentials.add(signIn("platform", "operator", opPassword, Role.PLATFORM_ADMIN));
        }

        Tenant demo = tenants.create(SETUP, new Tenants.NewTenant("demo", "Demo Corp", 50, 100)).body();
        AdminContext ctx = new AdminContext(SETUP, demo.id());
        record Account(String name, String display, Role role) {
        }
        List<User> staff = new ArrayList<>();
        for (Account a : List.of(new Account("admin", "Demo administrator", Role.TENANT_ADMIN),
                new Account("helpdesk", "Help desk", Role.HELPDESK),
                new Account("alice", "Alice Example", Role.USER), new Account("bob", "Bob Example", Role.USER))) {
            String pw = password();
            User u = users.create(ctx, new Users.NewUser(a.name(), a.display(), null, pw, Set.of(a.role()))).body();
            credentials.add(signIn("demo", a.name(), pw, a.role()));
            if (a.role() == Role.USER) {
                staff.add(u);
            }
        }
        Group group = groups.create(ctx, "staff", "Everyone at Demo Corp").body();
        staff.forEach(u -> groups.addMember(ctx, group.id(), u.id()));

        DesktopPool persistent = pools.create(ctx, new DesktopPools.PoolSettings("Engineering workstations",
                "A dedicated desktop per engineer, kept between sessions", PoolKind.PERSISTENT, true, null, null, null,
                null, null, false, null, null, null)).body();
        DesktopPool pooled = pools.create(ctx, new DesktopPools.PoolSettings("Office desktops",
                "Fresh desktops for everyday office work", PoolKind.POOLED, true, null, null, null, 900, null, false, null,
                null, null)).body();
        DesktopPool shared = pools.create(ctx, new DesktopPools.PoolSettings("Shared applications",
                "Sessions on shared application servers", PoolKind.SHARED, true, LoadBalancing.BREADTH_FIRST, null,
                null, 900, null, false, null, null, null)).body();
        Optional<String> unavailable = demoDesktops.unavailable();
        if (unavailable.isEmpty()) {
            giveDesktops(ctx, persistent, pooled, shared);
        } else {
            log.warn("The demo pools have no desktops: {}", unavailable.get());
        }
        for (DesktopPool p : List.of(persistent, pooled, shared)) {
            entitlements.grant(ctx, p.id(), null, group.id());
        }
        log.info("Created demo tenant 'demo' ({}) with 3 pools", demo.id());
        return credentials;
    }

    /**
     * The persistent and pooled pools are provisioned on a simulated hypervisor whose desktops are real Xvnc
     * displays on this machine; the shared pool gets a session host that the real agent, started with the
     * broker ({@link DemoSessionHost}), enrols as.
     */
    private void giveDesktops(AdminContext ctx, DesktopPool persistent, DesktopPool pooled, DesktopPool shared) {
        provisioning.registerHost(new AdminContext(SETUP, null), DemoDesktops.HYPERVISOR, "simulated", Map.of(
                "consoles", "xvnc",
                "stateDir", properties.desktopsDir().toAbsolutePath().normalize().toString(),
                "displays", properties.desktopDisplays(),
                "desktopCommand", DemoDesktops.DESKTOP_COMMAND,
                "geometry", "1280x800"));
        Path golden = provisioning.imageDirectory(ctx.tenantId()).resolve("demo-desktop.simulated");
        try {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, "The demo's desktops are simulated VMs whose screens are Xvnc displays on the broker's "
                    + "machine; this file stands in for their golden disk.\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo's image " + golden, e);
        }
        // small desktops: a simulated VM costs what its Xvnc, window manager and terminal cost (~20 MB)
        provisioning.provision(ctx, persistent.id(), new ProvisioningSetup.PoolSize(1, 4, 1, 1, 512, 1024),
                "demo-1", golden);
        provisioning.provision(ctx, pooled.id(), new ProvisioningSetup.PoolSize(2, 4, 2, 1, 512, 1024),
                "demo-1", golden);
        agents.createHost(ctx, shared.id(), DemoDesktops.SESSION_HOST);
        // a published application: a terminal alone in the browser, in a session of the shared pool without a desktop
        applications.publish(ctx, shared.id(), new PublishedApplications.Draft("Terminal", "xterm",
                List.of("-T", "Terminal"), null, null));
        log.info("Demo desktops: the persistent and pooled pools run on hypervisor host {} (simulated VMs whose screens "
                + "are Xvnc displays :{} on this machine, each with an account and home of its own); the shared pool on "
                + "session host {}, served by the session-host agent started with the broker", DemoDesktops.HYPERVISOR,
                properties.desktopDisplays(), DemoDesktops.SESSION_HOST);
    }

    private static String signIn(String organisation, String username, String password, Role role) {
        return String.format("organisation %-8s  username %-8s  password %s  (%s)", organisation, username, password, role);
    }

    private static String password() {
        String alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 14; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
