package io.deskport.broker.demo;

import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import jakarta.annotation.PreDestroy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import io.deskport.broker.hosts.AgentEnrolments;
import io.deskport.broker.hosts.SessionHost;
import io.deskport.broker.hosts.SessionHosts;
import io.deskport.broker.pools.DesktopPool;
import io.deskport.broker.pools.DesktopPools;
import io.deskport.broker.pools.PoolKind;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.Role;
import io.deskport.broker.tenancy.Tenant;
import io.deskport.broker.tenancy.Tenants;

/**
 * Serves the demo's shared pool with the real session-host agent on this machine: started with the broker (in
 * a JVM of its own, from the broker's own class path), enrolled with a one-time token on its first start, giving
 * each user a session of their own under an unprivileged account. It ends with the broker, even when the broker
 * is killed (kill -9), and logs its sessions off as it goes.
 */
@Component
class DemoSessionHost {

    private static final Logger log = LoggerFactory.getLogger(DemoSessionHost.class);
    private static final CurrentUser SETUP = new CurrentUser(null, null, "demo-setup", Set.of(Role.PLATFORM_ADMIN));
    private static final String AGENT_MAIN = "io.deskport.sessionhost.SessionHostAgent";

    /**
     * Runs a program so that it ends with the broker, however the broker ends: a shell in a process group of its
     * own runs it and reads its standard input, a pipe only the broker holds; when the pipe closes, the group is
     * sent TERM. The group also ends when the program exits by itself.
     */
    private static final List<String> TETHER = List.of("setsid", "sh", "-c",
            // (a background list's stdin is /dev/null in sh: the watcher reads the pipe through fd 3)
            "exec 3<&0; \"$@\" </dev/null 3<&- & c=$!; { cat <&3 >/dev/null; kill -TERM 0; } & exec 3<&-; "
                    + "wait \"$c\"; kill -TERM 0", "deskport-demo");

    private final DemoProperties properties;
    private final DemoDesktops demoDesktops;
    private final Tenants tenants;
    private final DesktopPools pools;
    private final SessionHosts hosts;
    private final AgentEnrolments enrolments;
    private final Environment environment;
    private volatile Process agent;

    DemoSessionHost(DemoProperties properties, DemoDesktops demoDesktops, Tenants tenants, DesktopPools pools,
                    SessionHosts hosts, AgentEnrolments enrolments, Environment environment) {
        this.properties = properties;
        this.demoDesktops = demoDesktops;
        this.tenants = tenants;
        this.pools = pools;
        this.hosts = hosts;
        this.enrolments = enrolments;
        this.environment = environment;
    }

    @EventListener(ApplicationReadyEvent.class)
    @Order(2) // after DemoData created the demo tenant
    void start() {
        if (!properties.enabled() || demoDesktops.unavailable().isPresent()) {
            return;
        }
        Optional<SessionHost> host = demoHost();
        if (host.isEmpty()) {
            return; // the demo was created without desktops, or its session host was removed
        }
        try {
            Path config = writeConfig(host.get());
            agent = launch(config);
            log.info("Demo session host {}: the session-host agent runs with the broker (pid {}, log {})",
                    DemoDesktops.SESSION_HOST, agent.pid(), properties.sessionHostDir().resolve("agent.log").normalize());
        } catch (IOException e) {
            log.warn("The demo's shared pool has no session host: its agent could not start ({})", e.toString());
        }
    }

    private Optional<SessionHost> demoHost() {
        Optional<Tenant> demo = tenants.findBySlug("demo");
        if (demo.isEmpty()) {
            return Optional.empty();
        }
        for (DesktopPool pool : pools.list(demo.get().id())) {
            if (pool.kind() == PoolKind.SHARED) {
                Optional<SessionHost> h = hosts.list(demo.get().id(), pool.id()).stream()
                        .filter(s -> s.name().equals(DemoDesktops.SESSION_HOST) && s.agent() != null).findFirst();
                if (h.isPresent()) {
                    return h;
                }
            }
        }
        return Optional.empty();
    }

    /** The agent's configuration (mode 0600); a new one-time token while the agent has not enrolled yet. */
    private Path writeConfig(SessionHost host) throws IOException {
        Path dir = properties.sessionHostDir().toAbsolutePath().normalize();
        Files.createDirectories(dir);
        // the session users reach their own session's files below it, listing nothing
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Properties p = new Properties();
        p.setProperty("broker.url", "http://" + brokerHost() + ":" + environment.getProperty("local.server.port", "8080"));
        p.setProperty("state.dir", dir.resolve("state").toString());
        p.setProperty("host.name", DemoDesktops.SESSION_HOST);
        p.setProperty("host.address", "127.0.0.1");
        p.setProperty("vnc.listen", "127.0.0.1");
        p.setProperty("display.first", Integer.toString(properties.sessionHostFirstDisplay()));
        p.setProperty("display.last", Integer.toString(properties.sessionHostLastDisplay()));
        p.setProperty("sessions.max", Integer.toString(properties.sessionHostLastDisplay() - properties.sessionHostFirstDisplay() + 1));
        p.setProperty("accounts.prefix", "dpu-");
        p.setProperty("desktop.command", DemoDesktops.DESKTOP_COMMAND);
        p.setProperty("desktop.geometry", "1280x800");
        if (!host.agent().enrolled()) {
            p.setProperty("enrolment.token", enrolments.newToken(new AdminContext(SETUP, host.tenantId()), host.id()).token());
        }
        Path file = dir.resolve("session-host.properties");
        Path partial = Files.createTempFile(dir, ".session-host", ".partial",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            try (Writer w = Files.newBufferedWriter(partial, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING)) {
                p.store(w, "the demo's session host, written by the broker at each start");
            }
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
        return file;
    }

    /** The broker's own address as the agent on this machine reaches it. */
    private String brokerHost() {
        String address = environment.getProperty("server.address", "");
        if (address.isBlank() || address.equals("0.0.0.0") || address.equals("localhost")) {
            return "127.0.0.1";
        }
        if (address.equals("::") || address.equals("0:0:0:0:0:0:0:0")) {
            return "[::1]";
        }
        return address.contains(":") ? "[" + address + "]" : address;
    }

    /** Starts the agent in a JVM of its own, from the broker's class path (a runnable jar, or classes on disk). */
    private Process launch(Path config) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classPath = System.getProperty("java.class.path");
        List<String> command = new ArrayList<>(TETHER);
        command.addAll(List.of(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        if (classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator)) {
            // the broker's runnable jar: its launcher runs another main class of the jar's class path
            command.addAll(List.of("-Dloader.main=" + AGENT_MAIN, "-cp", classPath,
                    "org.springframework.boot.loader.launch.PropertiesLauncher"));
        } else {
            command.addAll(List.of("-cp", classPath, AGENT_MAIN));
        }
        command.add(config.toString());
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(config.resolveSibling("agent.log").toFile()))
                .start();
    }

    @PreDestroy
    void stop() {
        Process p = agent;
        if (p == null) {
            return;
        }
        try {
            p.getOutputStream().close(); // what a dying broker does too: the tether ends the agent (TERM)
            if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        } catch (IOException e) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
