package io.deskport.broker.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.deskport.broker.DeskportBroker;

/**
 * A broker replica in a process of its own, on a database the caller names: what an outsider's fault
 * test needs — kill -9, a restart on the same port, its health and readiness as a load balancer sees
 * them. Used by the broker's fault tests and by bench/overload.
 */
public final class BrokerProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final List<String> command;
    private final Path log;
    private final int port;
    private Process process;

    private BrokerProcess(String name, List<String> command, Path log, int port) {
        this.name = name;
        this.command = command;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts a broker (demo data off, its sign-ins file beside the log, consoles allowed on loopback and 10/8,
     * unless {@code extraArgs} say otherwise) and returns without waiting for it to serve.
     *
     * @param extraArgs further {@code --property=value} arguments
     */
    public static BrokerProcess start(String name, Path logDir, String jdbcUrl, String dbUser, String dbPassword,
                                      String operatorPassword, List<String> extraArgs) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseParallelGC",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                DeskportBroker.class.getName(),
                "--server.port=" + port,
                "--spring.datasource.url=" + jdbcUrl,
                "--spring.datasource.username=" + dbUser,
                "--spring.datasource.password=" + dbPassword,
                "--deskport.bootstrap.operator-password=" + operatorPassword,
                "--deskport.identity.password-hash-strength=4",
                "--logging.level.root=warn",
                "--logging.level.io.deskport=info"));
        if (extraArgs.stream().noneMatch(a -> a.startsWith("--deskport.demo.enabled="))) {
            cmd.add("--deskport.demo.enabled=false");
        }
        if (extraArgs.stream().noneMatch(a -> a.startsWith("--deskport.consoles.allowed-networks="))) {
            // the desktops of tests and benchmarks are on this machine (local Xvnc) or nowhere (10.x)
            cmd.add("--deskport.consoles.allowed-networks=127.0.0.0/8,10.0.0.0/8");
        }
        if (extraArgs.stream().noneMatch(a -> a.startsWith("--deskport.consoles.check-on-registration="))) {
            // storms register many desktops at one made-up address: no console check for each
            cmd.add("--deskport.consoles.check-on-registration=false");
        }
        if (extraArgs.stream().noneMatch(a -> a.startsWith("--deskport.demo.credentials-file="))) {
            // a broker with the demo writes its sign-ins beside its log, not into the working directory's data/
            cmd.add("--deskport.demo.credentials-file=" + logDir.resolve("demo-credentials-" + name + ".txt"));
        }
        if (extraArgs.stream().noneMatch(a -> a.startsWith("--deskport.demo.state-dir="))) {
            // nor its desktops' and session host's files
            cmd.add("--deskport.demo.state-dir=" + logDir.toAbsolutePath().resolve("demo-" + name));
        }
        if (extraArgs.stream().noneMatch(a -> a.startsWith("--deskport.provisioning.image-root="))) {
            cmd.add("--deskport.provisioning.image-root=" + logDir.toAbsolutePath().resolve("images-" + name));
        }
        cmd.addAll(extraArgs);
        Files.createDirectories(logDir);
        BrokerProcess b = new BrokerProcess(name, cmd, logDir.resolve("broker-" + name + ".log"), port);
        b.launch();
        return b;
    }

    private void launch() throws IOException {
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** Starts it again on the same port, after a kill. */
    public void restart() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("broker " + name + " is still running");
        }
        launch();
    }

    public int port() {
        return port;
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    /** The broker's process, for its descendants (the demo's desktop processes). */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** kill -9: no shutdown hook, no graceful anything. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Waits until it answers its health endpoint with 200 (or fails with the log's tail). */
    public void awaitHealthy(Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (status("/actuator/health") != 200) {
            if (!isAlive()) {
                throw new IllegalStateException("broker " + name + " died while starting; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("broker " + name + " did not become healthy in " + atMost + "; see " + log);
            }
            Thread.sleep(200);
        }
    }

    /** The readiness probe's HTTP status (200 ready, 503 not), or 0 when it does not answer. */
    public int readiness() {
        // while the database is down the probe answers after the connection pool's timeout (5 s)
        return status("/actuator/health/readiness", Duration.ofSeconds(20));
    }

    private int status(String path) {
        return status(path, Duration.ofSeconds(5));
    }

    private int status(String path, Duration timeout) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(timeout).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** Stops it gracefully (SIGTERM), then forcibly if it does not exit in 30 s. */
    @Override
    public void close() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
