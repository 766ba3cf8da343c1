package io.deskport.broker.database;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run from the binaries of {@code io.zonky.test.postgres} (shipped in the broker
 * jar), for installations that configure no database.
 *
 * <p>The cluster lives in a directory of its own that survives restarts. PostgreSQL refuses to run as
 * root, so when the broker runs as root the server runs as {@code nobody} (keeping only the
 * capability to traverse directories, so the data can sit under a private home directory). A server
 * left running by a broker that was killed is adopted rather than started twice. Access needs the
 * superuser password generated at {@code initdb} and kept beside the cluster with mode 0600.
 */
public final class EmbeddedPostgres {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);
    private static final String ARCHIVE = "postgres-linux-x86_64.txz";
    private static final Map<Path, EmbeddedPostgres> RUNNING = new ConcurrentHashMap<>();
    private static final int NOBODY = 65534;

    private final Path baseDir;
    private final Path clusterDir;
    private final Path binDir;
    private final String password;
    private final int port;
    /** True when this process started the server; false when it adopted one already running. */
    private final boolean startedHere;

    /**
     * The {@code application_name} of this process's connections (set in {@link #jdbcUrl}), to tell them
     * from other broker replicas' at shutdown.
     */
    private static final String OWN_APPLICATION = "deskport-" + ProcessHandle.current().pid();
    /** How long a stopping broker waits for its own connections to close before it stops the server. */
    private static final Duration OWN_CONNECTIONS_GRACE = Duration.ofSeconds(25);

    private EmbeddedPostgres(Path baseDir, Path binDir, String password, int port, boolean startedHere) {
        this.startedHere = startedHere;
        this.baseDir = baseDir;
        this.clusterDir = baseDir.resolve("cluster");
        this.binDir = binDir;
        this.password = password;
        this.port = port;
    }

    /**
     * Starts (or adopts) the server whose files live in {@code baseDir}; one server per directory and
     * JVM. A server this process started is stopped when the JVM exits normally — once this process's own
     * connections are closed, and only if no other process (another broker replica) still uses it; a
     * server it adopted is never stopped by it.
     *
     * @param baseDir directory for binaries, cluster, log and password; created if missing
     * @param preferredPort TCP port on 127.0.0.1, or 0 for any free port
     * @return the running server
     * @throws IllegalStateException when the server cannot be started; the message says why
     */
    public static EmbeddedPostgres start(Path baseDir, int preferredPort) {
        Path dir = baseDir.toAbsolutePath().normalize();
        return RUNNING.computeIfAbsent(dir, d -> launch(d, preferredPort));
    }

    /** @return the JDBC URL of the named database on this server */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?ApplicationName=" + OWN_APPLICATION;
    }

    public String username() {
        return "postgres";
    }

    public String password() {
        return password;
    }

    public int port() {
        return port;
    }

    /** Creates the database if it does not exist yet. */
    public void ensureDatabase(String database) {
        if (!database.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("database name must match [a-z_][a-z0-9_]*: " + database);
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), username(), password);
             var check = c.prepareStatement("select 1 from pg_database where datname = ?")) {
            check.setString(1, database);
            if (!check.executeQuery().next()) {
                try (var create = c.createStatement()) {
                    create.execute("create database " + database);
                }
                log.info("Created database {} in the embedded PostgreSQL at {}", database, baseDir);
            }
        } catch (SQLException e) {
            if (!"42P04".equals(e.getSQLState())) { // created meanwhile by another instance
                throw new IllegalStateException("Cannot create database " + database + ": " + e.getMessage(), e);
            }
        }
    }

    private static EmbeddedPostgres launch(Path dir, int preferredPort) {
        try {
            Files.createDirectories(dir);
            boolean root = isRoot();
            // initdb checks its binaries with access(2), which ignores capabilities: as root the
            // binaries go to a directory every user can traverse
            Path bin = extractBinaries(root ? sharedBinaryDir() : dir);
            Path cluster = dir.resolve("cluster");
            Path passwordFile = dir.resolve("superuser-password");
            if (!Files.exists(cluster.resolve("PG_VERSION"))) {
                initCluster(dir, bin, cluster, passwordFile, root);
            }
            String password = Files.readString(passwordFile).strip();
            Integer adopted = runningPort(cluster);
            int port;
            boolean startedHere = adopted == null;
            if (adopted != null) {
                port = adopted;
                log.info("Adopted the embedded PostgreSQL already running on port {} for {}", port, cluster);
            } else {
                port = preferredPort > 0 ? preferredPort : freePort();
                startServer(dir, bin, cluster, port, root);
                log.info("Started the embedded PostgreSQL on 127.0.0.1:{} with data in {}", port, cluster);
            }
            EmbeddedPostgres pg = new EmbeddedPostgres(dir, bin, password, port, startedHere);
            if (startedHere) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> pg.stopWhenUnused(OWN_CONNECTIONS_GRACE),
                        "embedded-postgres-stop"));
            }
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the embedded PostgreSQL in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * What a broker that started the server does when it exits: waits (at most {@code ownGrace}) for its
     * own connections to close — its connection pool closes while the application shuts down — then
     * stops the server, unless connections of another process (another broker replica) use it: then it
     * is left running for them, and the next broker to start adopts it. A server this process only
     * adopted is left alone.
     */
    public void stopWhenUnused(Duration ownGrace) {
        if (!startedHere) {
            return;
        }
        long deadline = System.nanoTime() + ownGrace.toNanos();
        while (true) {
            int[] clients;
            try {
                clients = clients();
            } catch (SQLException e) {
                log.debug("The embedded PostgreSQL in {} does not answer ({}); nothing to stop", clusterDir, e.getMessage());
                RUNNING.remove(baseDir);
                return;
            }
            if (clients[1] > 0) {
                log.info("Leaving the embedded PostgreSQL in {} running: {} connections of other processes (another "
                        + "broker replica) still use it", clusterDir, clients[1]);
                RUNNING.remove(baseDir);
                return;
            }
            if (clients[0] == 0 || System.nanoTime() > deadline) {
                break;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        stop();
    }

    /** Client connections of this process and of other processes, not counting the one asking. */
    private int[] clients() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port
                + "/postgres?ApplicationName=deskport-stop&connectTimeout=5", username(), password);
             var ps = c.prepareStatement("select count(*) filter (where application_name = ?), "
                     + "count(*) filter (where application_name is distinct from ?) from pg_stat_activity "
                     + "where backend_type = 'client backend' and pid <> pg_backend_pid()")) {
            ps.setString(1, OWN_APPLICATION);
            ps.setString(2, OWN_APPLICATION);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return new int[] {rs.getInt(1), rs.getInt(2)};
            }
        }
    }

    /** Stops the server (fast shutdown: open transactions roll back, nothing committed is lost). */
    public void stop() {
        try {
            run(List.of(binDir.resolve("pg_ctl").toString(), "-D", clusterDir.toString(), "-m", "fast", "-w", "stop"),
                    isRoot(), Duration.ofSeconds(60), baseDir.resolve("pg_ctl.log"));
        } catch (RuntimeException | IOException e) {
            log.warn("Stopping the embedded PostgreSQL in {} failed: {}", clusterDir, e.getMessage());
        }
        RUNNING.remove(baseDir);
    }

    private static void initCluster(Path dir, Path bin, Path cluster, Path passwordFile, boolean root) throws IOException {
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        Files.deleteIfExists(passwordFile);
        Files.createFile(passwordFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(passwordFile, password);
        // initdb reads the password from a file the server user can read; removed right after
        Path pwTmp = Files.createTempFile(dir, "pw", ".tmp");
        Files.writeString(pwTmp, password);
        deleteRecursively(cluster);
        Files.createDirectories(cluster);
        Files.setPosixFilePermissions(cluster, PosixFilePermissions.fromString("rwx------"));
        if (root) {
            chown(cluster);
            chown(pwTmp);
        }
        try {
            run(List.of(bin.resolve("initdb").toString(), "-D", cluster.toString(), "-U", "postgres",
                    "--auth=scram-sha-256", "--pwfile=" + pwTmp, "-E", "UTF8", "--locale=C", "--no-sync"),
                    root, Duration.ofMinutes(3), dir.resolve("initdb.log"));
        } finally {
            Files.deleteIfExists(pwTmp);
        }
        log.info("Initialised a new embedded PostgreSQL cluster in {}", cluster);
    }

    private static void startServer(Path dir, Path bin, Path cluster, int port, boolean root) throws IOException {
        Files.deleteIfExists(cluster.resolve("postmaster.pid"));
        // the server writes its own log, so the log directory belongs to the server's user
        Path logDir = Files.createDirectories(dir.resolve("log"));
        Path logFile = logDir.resolve("postgres.log");
        String options = "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
                + " -c max_connections=300 -c shared_buffers=256MB -c wal_buffers=16MB";
        if (root) {
            chown(logDir);
        }
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", cluster.toString(), "-l", logFile.toString(),
                "-o", options, "-w", "-t", "120", "start"), root, Duration.ofMinutes(3), dir.resolve("pg_ctl.log"));
    }

    /** @return the port of a live server on this cluster, or null when none runs */
    private static Integer runningPort(Path cluster) throws IOException {
        Path pidFile = cluster.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return null;
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.size() < 4) {
            return null;
        }
        long pid = Long.parseLong(lines.get(0).strip());
        boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                && ProcessHandle.of(pid).flatMap(p -> p.info().command()).map(c -> c.endsWith("postgres")).orElse(false);
        return alive ? Integer.valueOf(lines.get(3).strip()) : null;
    }

    private static Path sharedBinaryDir() throws IOException {
        Path shared = Path.of(System.getProperty("java.io.tmpdir"), "deskport-pgsql");
        Files.createDirectories(shared);
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        return shared;
    }

    private static Path extractBinaries(Path dir) throws IOException {
        URL archive = EmbeddedPostgres.class.getClassLoader().getResource(ARCHIVE);
        if (archive == null) {
            throw new IllegalStateException("PostgreSQL binaries (" + ARCHIVE + ") are not on the classpath");
        }
        String source = archive.toString();
        String key = source.replaceAll(".*embedded-postgres-binaries-[a-z0-9-]*?-(\\d[\\w.]*)\\.jar.*", "$1");
        if (key.equals(source)) {
            key = Integer.toHexString(source.hashCode());
        }
        Path bin = dir.resolve("pgsql-" + key);
        if (Files.exists(bin.resolve(".complete"))) {
            return bin.resolve("bin");
        }
        Path tmp = Files.createTempDirectory(dir, "pgsql-extract");
        try (InputStream in = new XZCompressorInputStream(new BufferedInputStream(archive.openStream()));
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path target = tmp.resolve(entry.getName()).normalize();
                if (!target.startsWith(tmp)) {
                    throw new IOException("archive entry escapes the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(target.getParent());
                    Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(target, permissions(entry.getMode()));
                }
            }
        }
        for (Path d : List.of(tmp, tmp.resolve("bin"), tmp.resolve("lib"), tmp.resolve("share"))) {
            if (Files.isDirectory(d)) {
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        Files.createFile(tmp.resolve(".complete"));
        try {
            Files.move(tmp, bin, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException | java.nio.file.DirectoryNotEmptyException e) {
            deleteRecursively(tmp); // another process extracted it first
        }
        return bin.resolve("bin");
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = new HashSet<>();
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                set.add(order[i]);
            }
        }
        // everyone may read and run the binaries: the server may run as another user
        set.add(PosixFilePermission.OTHERS_READ);
        set.add(PosixFilePermission.GROUP_READ);
        if (set.contains(PosixFilePermission.OWNER_EXECUTE)) {
            set.add(PosixFilePermission.OTHERS_EXECUTE);
            set.add(PosixFilePermission.GROUP_EXECUTE);
        }
        return set;
    }

    private static void run(List<String> command, boolean asNobody, Duration timeout, Path output) throws IOException {
        List<String> full = new ArrayList<>();
        if (asNobody) {
            full.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                    "--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search", "--"));
        }
        full.addAll(command);
        Process p = new ProcessBuilder(full).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command.getFirst() + " did not finish within " + timeout + "; see " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.getFirst(), e);
        }
        if (p.exitValue() != 0) {
            String tail = tail(output);
            throw new IllegalStateException(Path.of(command.getFirst()).getFileName() + " failed with exit code "
                    + p.exitValue() + " (see " + output + "):\n" + tail);
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean isRoot() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid", LinkOption.NOFOLLOW_LINKS);
            return Integer.valueOf(0).equals(uid);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static void chown(Path path) throws IOException {
        try (var walk = Files.walk(path)) {
            for (Path p : walk.toList()) {
                Files.setAttribute(p, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", NOBODY, LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
