package io.deskport.broker.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.hosts.SessionHosts;
import io.deskport.broker.pools.DesktopPool;
import io.deskport.broker.pools.DesktopPools;
import io.deskport.broker.pools.DesktopState;
import io.deskport.broker.pools.Desktops;
import io.deskport.broker.pools.Entitlements;
import io.deskport.broker.pools.LoadBalancing;
import io.deskport.broker.pools.PoolKind;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.ConsoleNetworks;
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

    private final boolean enabled;
    private final String consoleHost;
    private final int consolePortBase;
    private final Path credentialsFile;
    private final TransactionTemplate tx;
    private final JdbcClient jdbc;
    private final Tenants tenants;
    private final Users users;
    private final Groups groups;
    private final DesktopPools pools;
    private final Entitlements entitlements;
    private final Desktops desktops;
    private final SessionHosts hosts;
    private final ConsoleNetworks consoleNetworks;

    DemoData(DemoProperties properties, PlatformTransactionManager txManager, JdbcClient jdbc, Tenants tenants, Users users, Groups groups,
             DesktopPools pools, Entitlements entitlements, Desktops desktops, SessionHosts hosts,
             ConsoleNetworks consoleNetworks) {
        this.consoleNetworks = consoleNetworks;
        this.enabled = properties.enabled();
        this.consoleHost = properties.consoleHost();
        this.consolePortBase = properties.consolePortBase();
        this.credentialsFile = properties.credentialsFile();
        this.tx = new TransactionTemplate(txManager);
        this.jdbc = jdbc;
        this.tenants = tenants;
        this.users = users;
        this.groups = groups;
        this.pools = pools;
        this.entitlements = entitlements;
        this.desktops = desktops;
        this.hosts = hosts;
    }

    @EventListener(ApplicationReadyEvent.class)
    @Order(1)
    void createOnFirstStart() {
        if (!enabled) {
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
            log.warn("Created the demo data; its sign-ins (change these passwords) are in {}. The demo desktops point at "
                    + "VNC consoles on {}:{}-{} (a local demo Xvnc takes them over when Xvnc is installed; otherwise "
                    + "register real machines)", credentialsFile.normalize(), consoleHost, consolePortBase, consolePortBase + 5);
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
            Tenant platform = tenants.create(SETUP, new Tenants.NewTenant("platform", "Platform operations", 10, 10));
            String opPassword = password();
            users.create(new AdminContext(SETUP, platform.id()), new Users.NewUser("operator", "Platform operator", null,
                    opPassword, Set.of(Role.PLATFORM_ADMIN)));
            credentials.add(signIn("platform", "operator", opPassword, Role.PLATFORM_ADMIN));
        }

        Tenant demo = tenants.create(SETUP, new Tenants.NewTenant("demo", "Demo Corp", 50, 100));
        AdminContext ctx = new AdminContext(SETUP, demo.id());
        record Account(String name, String display, Role role) {
        }
        List<User> staff = new ArrayList<>();
        for (Account a : List.of(new Account("admin", "Demo administrator", Role.TENANT_ADMIN),
                new Account("helpdesk", "Help desk", Role.HELPDESK),
                new Account("alice", "Alice Example", Role.USER), new Account("bob", "Bob Example", Role.USER))) {
            String pw = password();
            User u = users.create(ctx, new Users.NewUser(a.name(), a.display(), null, pw, Set.of(a.role())));
            credentials.add(signIn("demo", a.name(), pw, a.role()));
            if (a.role() == Role.USER) {
                staff.add(u);
            }
        }
        Group group = groups.create(ctx, "staff", "Everyone at Demo Corp");
        staff.forEach(u -> groups.addMember(ctx, group.id(), u.id()));

        DesktopPool persistent = pools.create(ctx, new DesktopPools.PoolSettings("Engineering workstations",
                "A dedicated desktop per engineer, kept between sessions", PoolKind.PERSISTENT, true, null, null, null,
                null, null, false, null));
        DesktopPool pooled = pools.create(ctx, new DesktopPools.PoolSettings("Office desktops",
                "Fresh desktops for everyday office work", PoolKind.POOLED, true, null, null, null, 900, null, false, null));
        DesktopPool shared = pools.create(ctx, new DesktopPools.PoolSettings("Shared applications",
                "Sessions on shared application servers", PoolKind.SHARED, true, LoadBalancing.BREADTH_FIRST, null,
                null, 900, null, false, null));
        int port = consolePortBase;
        if (consoleNetworks.allows(consoleHost)) {
            for (int i = 1; i <= 2; i++) {
                desktops.register(ctx, persistent.id(), new Desktops.DesktopRegistration("eng-" + i, consoleHost, port++,
                        null, DesktopState.READY, null));
            }
            for (int i = 1; i <= 3; i++) {
                desktops.register(ctx, pooled.id(), new Desktops.DesktopRegistration("office-" + i, consoleHost, port++,
                        null, DesktopState.READY, null));
            }
            hosts.register(ctx, shared.id(), new SessionHosts.HostRegistration("apps-1", 10, consoleHost, port, null));
        } else {
            log.warn("Demo desktops not registered: their console address {} is outside deskport.consoles."
                    + "allowed-networks (dev/run allows 127.0.0.0/8)", consoleHost);
        }
        for (DesktopPool p : List.of(persistent, pooled, shared)) {
            entitlements.grant(ctx, p.id(), null, group.id());
        }
        log.info("Created demo tenant 'demo' ({}) with 3 pools", demo.id());
        return credentials;
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
