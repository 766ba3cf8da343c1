package io.deskport.provisioning.simulated;

import io.deskport.provisioning.driver.ConsoleEndpoint;
import io.deskport.provisioning.driver.DriverException;
import io.deskport.provisioning.driver.DriverFailureReason;
import io.deskport.sessionhost.desktop.DesktopSession;
import io.deskport.sessionhost.desktop.DesktopSessions;
import io.deskport.sessionhost.desktop.SessionCgroups;
import io.deskport.sessionhost.desktop.UnixAccounts;
import io.deskport.sessionhost.procfs.ProcFs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Real screens behind simulated desktops: each simulated VM that runs is an Xvnc display of its own on this
 * machine, started by the session host's desktop engine ({@link DesktopSessions}: a random VNC password and
 * X cookie per start, the desktop command, every process in a cgroup of its own). Each machine has a local
 * account of its own (created when the broker runs as root, so no desktop runs as root; otherwise every
 * machine runs as the broker's own user), which is what gives it a home folder of its own:
 * <ul>
 *   <li>a clone gets a new account, hence a fresh home;</li>
 *   <li>a power-off ends the display and keeps the account and home (a persistent desktop keeps its files);</li>
 *   <li>a refresh deletes the account with its home, so the next start begins from a fresh one;</li>
 *   <li>a delete ends the display and deletes the account with its home.</li>
 * </ul>
 * What machines exist is written to {@code <stateDir>/machines/} so that a restarted broker finds them again
 * (powered off: their displays ended with the broker). A display also ends when the broker dies (kill -9): a
 * watcher process, holding a pipe only the broker writes, ends the machine's processes when the pipe closes.
 */
final class XvncMachines implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(XvncMachines.class);

    /** A machine as written to its file: the simulated driver's record of it. */
    record Saved(String desktopId, Map<String, String> fields) {
    }

    private final SimulatedDriverConfig.XvncConsoles config;
    private final Path machinesDir;
    private final String hostName;
    private final Path stateDir;
    /** The display engine, made at the first start: an instance made only to check settings touches nothing. */
    private volatile DesktopSessions sessions;
    private final UnixAccounts accounts;
    private final boolean root;
    private final Map<String, Running> running = new ConcurrentHashMap<>();

    private record Running(DesktopSession session, Process watcher) {
    }

    XvncMachines(SimulatedDriverConfig.XvncConsoles config, String hostName) {
        this.config = config;
        this.hostName = hostName;
        this.stateDir = config.stateDir().toAbsolutePath().normalize();
        try {
            Files.createDirectories(stateDir);
            this.machinesDir = stateDir.resolve("machines");
            Files.createDirectories(machinesDir);
            // the records are the broker's alone: the desktops' accounts have no business reading them
            Files.setPosixFilePermissions(machinesDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            this.root = ProcFs.runsAsRoot();
            this.accounts = new UnixAccounts(config.accountPrefix(), true);
        } catch (IOException e) {
            throw new DriverException(DriverFailureReason.CONFIGURATION, "simulated desktops with Xvnc consoles cannot "
                    + "use " + config.stateDir() + ": " + e.getMessage(), e);
        }
        if (!root) {
            log.warn("Simulated desktops run as {} and share its home folder: only a broker running as root gives each "
                    + "simulated desktop an unprivileged account and a home of its own", System.getProperty("user.name"));
        }
    }

    /**
     * The display engine, made at the first start of a display: it then ends what a previous run of this host
     * may have left behind (displays whose watcher could not act).
     */
    private synchronized DesktopSessions sessions() throws IOException {
        if (sessions == null) {
            Optional<SessionCgroups> cgroups = root ? SessionCgroups.open("auto", "sim-" + hostName) : Optional.empty();
            DesktopSessions made = new DesktopSessions(new DesktopSessions.Settings(stateDir.resolve("displays"),
                    "127.0.0.1", config.firstDisplay(), config.lastDisplay(), 5900, config.desktopCommand(),
                    config.geometry(), 24, false, config.readyTimeout(), hostName, List.of("-extension", "GLX")),
                    accounts, cgroups, this::ended);
            int leftovers = made.endLeftovers();
            if (leftovers > 0) {
                log.info("Ended {} display(s) a previous run of simulated host {} left behind", leftovers, hostName);
            }
            sessions = made;
        }
        return sessions;
    }

    /** The local account name of a machine: the prefix and a hash of its desktop id. */
    String accountName(String desktopId) {
        return accounts.nameFor(machineUser(desktopId));
    }

    /** Records a new machine. */
    void save(String desktopId, Map<String, String> fields) {
        Properties p = new Properties();
        p.putAll(fields);
        Path file = machinesDir.resolve(desktopId + ".properties");
        Path partial = machinesDir.resolve(desktopId + ".properties.partial");
        try (Writer w = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
            p.store(w, "a simulated desktop with an Xvnc console");
        } catch (IOException e) {
            throw new DriverException(DriverFailureReason.HYPERVISOR_ERROR, "cannot record desktop " + desktopId, e);
        }
        try {
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DriverException(DriverFailureReason.HYPERVISOR_ERROR, "cannot record desktop " + desktopId, e);
        }
    }

    /** The machines recorded by earlier runs. */
    List<Saved> saved() {
        List<Saved> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(machinesDir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".properties")).sorted().toList()) {
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                    p.load(r);
                }
                String name = f.getFileName().toString();
                Map<String, String> fields = new java.util.HashMap<>();
                p.stringPropertyNames().forEach(k -> fields.put(k, p.getProperty(k)));
                out.add(new Saved(name.substring(0, name.length() - ".properties".length()), fields));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * Powers the machine on: its display started as its account (created with a fresh home when missing).
     *
     * @throws DriverException HYPERVISOR_ERROR when the display could not start
     */
    void start(String desktopId) {
        if (isRunning(desktopId)) {
            return;
        }
        try {
            DesktopSession s = sessions().create(UUID.randomUUID(), machineUser(desktopId), null);
            running.put(desktopId, new Running(s, watch(s)));
        } catch (IOException e) {
            throw new DriverException(DriverFailureReason.HYPERVISOR_ERROR, "the display of simulated desktop "
                    + desktopId + " did not start: " + e.getMessage(), e);
        }
    }

    /** Powers the machine off: its display and every process of it end; its account and home stay. */
    void stop(String desktopId) {
        Running r = running.remove(desktopId);
        if (r != null) {
            sessions.logoff(r.session().id(), "simulated desktop " + desktopId + " powered off"); // made: r started
            release(r.watcher());
        }
    }

    /** Throws away what was written since the clone: the account goes with its home; the next start makes a fresh one. */
    void wipe(String desktopId) {
        stop(desktopId);
        if (root) {
            try {
                Optional<UnixAccounts.Account> account = accounts.lookup(accountName(desktopId));
                if (account.isPresent()) {
                    accounts.remove(account.get());
                }
            } catch (IOException e) {
                throw new DriverException(DriverFailureReason.HYPERVISOR_ERROR, "the home of simulated desktop "
                        + desktopId + " could not be thrown away: " + e.getMessage(), e);
            }
        }
    }

    /** Deletes the machine: display, account, home and record. */
    void delete(String desktopId) {
        wipe(desktopId);
        try {
            Files.deleteIfExists(machinesDir.resolve(desktopId + ".properties"));
        } catch (IOException e) {
            throw new DriverException(DriverFailureReason.HYPERVISOR_ERROR, "cannot forget desktop " + desktopId, e);
        }
    }

    /**
     * The machine moved to another simulated host: its display ends here and its record goes; its account and home
     * stay (the other host's machines find them by the same name when their account prefix is the same).
     */
    void forget(String desktopId) {
        stop(desktopId);
        try {
            Files.deleteIfExists(machinesDir.resolve(desktopId + ".properties"));
        } catch (IOException e) {
            throw new DriverException(DriverFailureReason.HYPERVISOR_ERROR, "cannot forget desktop " + desktopId, e);
        }
    }

    boolean isRunning(String desktopId) {
        Running r = running.get(desktopId);
        return r != null && r.session().state() == DesktopSession.State.READY;
    }

    /** Where the running machine's display answers. */
    Optional<ConsoleEndpoint> console(String desktopId) {
        Running r = running.get(desktopId);
        if (r == null || r.session().state() != DesktopSession.State.READY) {
            return Optional.empty();
        }
        return Optional.of(new ConsoleEndpoint("vnc", "127.0.0.1", r.session().port(), r.session().password(), true));
    }

    /** The home folder of the machine's account (for tests and the log), when the account exists. */
    Optional<Path> home(String desktopId) {
        try {
            return accounts.lookup(root ? accountName(desktopId) : System.getProperty("user.name"))
                    .map(UnixAccounts.Account::home);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        running.values().forEach(r -> release(r.watcher()));
        running.clear();
        DesktopSessions made;
        synchronized (this) {
            made = sessions;
        }
        if (made != null) {
            made.close("the simulated host is shutting down");
        }
    }

    private void ended(DesktopSession session, String detail) {
        running.entrySet().removeIf(e -> {
            if (e.getValue().session() == session) {
                log.info("The display of simulated desktop {} ended by itself: {}", e.getKey(), detail);
                release(e.getValue().watcher());
                return true;
            }
            return false;
        });
    }

    /**
     * Ends the machine's processes should the broker die: a shell, in a process group of its own, waits for
     * the end of a pipe only this process writes to, then kills the display's cgroup (or, without cgroups,
     * its X server, which ends the desktop's X clients).
     */
    private static Process watch(DesktopSession s) throws IOException {
        String kill = s.cgroup() != null ? "echo 1 > '" + s.cgroup().resolve("cgroup.kill") + "' 2>/dev/null"
                : "kill -TERM " + s.xvncPid() + " 2>/dev/null";
        return new ProcessBuilder("setsid", "sh", "-c", "cat >/dev/null; " + kill)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
    }

    /**
     * Ends a watcher without letting it act: the shell first (so that it does not go on to its kill once its
     * reader ends), then the reader, then the broker's end of the pipe.
     */
    private static void release(Process watcher) {
        List<ProcessHandle> readers = watcher.descendants().toList();
        watcher.destroy();
        try {
            watcher.waitFor(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        readers.forEach(ProcessHandle::destroy);
        try {
            watcher.getOutputStream().close();
        } catch (IOException e) {
            log.debug("closing a display watcher's pipe: {}", e.toString());
        }
    }

    /** The name the session engine maps to an account: the same for every start of one machine. */
    private static String machineUser(String desktopId) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(desktopId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
