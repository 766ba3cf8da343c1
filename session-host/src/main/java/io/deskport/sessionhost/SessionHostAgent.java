package io.deskport.sessionhost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.deskport.sessionhost.desktop.Application;
import io.deskport.sessionhost.desktop.DesktopSession;
import io.deskport.sessionhost.desktop.DesktopSessions;
import io.deskport.sessionhost.desktop.SessionCgroups;
import io.deskport.sessionhost.desktop.UnixAccounts;
import tools.jackson.databind.JsonNode;

/**
 * The session-host agent: enrols once, then keeps three things going — heartbeats (load, sessions,
 * idle times; the broker answers with sessions to log off and the drain flag), a long poll for the
 * broker's commands (create a desktop session or one of published applications, start an application
 * in a session, log one off), and reports of sessions that became ready
 * or ended by themselves.
 *
 * <p>Run it as {@code java -jar deskport-session-host-exec.jar /etc/deskport/session-host.properties};
 * it needs root to switch to the users' accounts (without root every session runs as the agent's user).
 */
public final class SessionHostAgent implements AutoCloseable {

    static final String VERSION = "0.1.0";
    private static final System.Logger log = System.getLogger(SessionHostAgent.class.getName());

    /** Exit codes: 0 stopped, 2 cannot enrol, 3 the broker refused the credential. */
    public static final int EXIT_OK = 0;
    public static final int EXIT_NOT_ENROLLED = 2;
    public static final int EXIT_REFUSED = 3;

    private final AgentConfig config;
    private final BrokerClient broker;
    private final HostLoad load = new HostLoad();
    private final LoggedOnUser loggedOnUser;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile int exitCode = EXIT_OK;
    private volatile long heartbeatMillis = 3000;
    private volatile boolean draining;
    /** Set while the machine is going down: no heartbeat may tell the broker otherwise. Guarded by {@link #heartbeatLock}. */
    private boolean poweringOff;
    private final Object heartbeatLock = new Object();
    private volatile DesktopSessions sessions;
    private final List<Thread> loops = new ArrayList<>();

    public SessionHostAgent(AgentConfig config) {
        this.config = config;
        this.broker = new BrokerClient(config.brokerUrl());
        this.loggedOnUser = new LoggedOnUser(config.loggedOnUserCommand());
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT.%1$tL %4$-7s [%3$s] %5$s%6$s%n");
        Path file = Path.of(args.length > 0 ? args[0] : "/etc/deskport/session-host.properties");
        AgentConfig config;
        try {
            config = AgentConfig.load(file);
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("deskport-session-host: bad configuration " + file + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        SessionHostAgent agent = new SessionHostAgent(config);
        Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "agent-shutdown"));
        System.exit(agent.run());
    }

    /** Enrols if needed, starts the loops and blocks until the agent stops. @return the exit code */
    public int run() throws IOException, InterruptedException {
        Credentials store = new Credentials(config.stateDir());
        Files.createDirectories(config.stateDir());
        Optional<Credentials.Credential> credential = store.load();
        if (credential.isEmpty()) {
            if (config.enrolmentToken() == null) {
                log.log(System.Logger.Level.ERROR, "Not enrolled and no enrolment.token configured: ask the "
                        + "administrator for a token (Session hosts → Add host) and put it in the configuration");
                return EXIT_NOT_ENROLLED;
            }
            try {
                credential = Optional.of(broker.enrol(config.enrolmentToken(), registration()));
            } catch (BrokerClient.CredentialRefused e) {
                log.log(System.Logger.Level.ERROR, "The broker refused the enrolment token: {0}", e.getMessage());
                return EXIT_NOT_ENROLLED;
            }
            store.store(credential.get());
            log.log(System.Logger.Level.INFO, "Enrolled as session host {0} ({1}); credential stored in {2} (0600)",
                    credential.get().hostName(), credential.get().hostId(), store.file());
        }
        broker.useCredential(credential.get().secret());
        Optional<SessionCgroups> cgroups = config.mode() == AgentConfig.Mode.MULTI_SESSION
                ? SessionCgroups.open(config.cgroupRoot(), config.hostName()) : Optional.empty();
        sessions = new DesktopSessions(new DesktopSessions.Settings(config.stateDir(), config.vncListen(),
                config.firstDisplay(), config.lastDisplay(), config.vncPortBase(), config.desktopCommand(),
                config.geometry(), config.depth(), config.removeAccountsOnLogoff(), config.readyTimeout(),
                config.hostName(), config.xvncArgs().isBlank() ? List.of() : List.of(config.xvncArgs().split("\\s+"))),
                new UnixAccounts(config.accountPrefix(), config.createAccounts()), cgroups,
                this::endedByItself, config.applicationExitGrace());
        int orphans = sessions.endLeftovers();
        if (orphans > 0) {
            log.log(System.Logger.Level.WARNING, "Ended {0} desktop sessions a previous run left behind", orphans);
        }
        log.log(System.Logger.Level.INFO, "Session host {0} serving {1} in {2} mode: displays :{3}..:{4} on {5}, "
                        + "sessions {6}", credential.get().hostName(), config.brokerUrl(), config.mode(),
                config.firstDisplay(), config.lastDisplay(), config.vncListen(),
                cgroups.map(c -> "in cgroups under " + c.root()).orElse("without cgroups"));
        heartbeatOnce();
        loops.add(Thread.ofPlatform().name("heartbeats").daemon().start(this::heartbeats));
        loops.add(Thread.ofPlatform().name("commands").daemon().start(this::commands));
        stopped.await();
        return exitCode;
    }

    private Map<String, Object> registration() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("address", config.hostAddress());
        r.put("os", HostLoad.os());
        r.put("agentVersion", VERSION);
        r.put("cpuCount", Runtime.getRuntime().availableProcessors());
        long[] mem = HostLoad.memoryMb();
        r.put("memoryMb", mem == null ? null : mem[0]);
        r.put("maxSessions", config.maxSessions());
        return r;
    }

    private void heartbeats() {
        while (running) {
            sleep(Duration.ofMillis(heartbeatMillis));
            if (running) {
                heartbeatOnce();
            }
        }
    }

    private void heartbeatOnce() {
        synchronized (heartbeatLock) {
            if (!poweringOff) {
                sendHeartbeat();
            }
        }
    }

    private void sendHeartbeat() {
        try {
            Map<String, Object> hb = new LinkedHashMap<>();
            hb.put("address", config.hostAddress());
            hb.put("cpuPercent", load.cpuPercent());
            long[] mem = HostLoad.memoryMb();
            hb.put("memoryUsedMb", mem == null ? null : mem[1]);
            List<DesktopSessions.Snapshot> list = sessions.snapshot();
            hb.put("sessionCount", list.size());
            hb.put("sessions", list);
            hb.put("loggedOnUser", config.mode() == AgentConfig.Mode.SINGLE_SESSION ? loggedOnUser.current() : null);
            hb.put("macAddress", config.macAddress());
            hb.put("canPowerOff", config.powerOffCommand() != null);
            BrokerClient.HeartbeatAnswer answer = broker.heartbeat(hb);
            heartbeatMillis = Math.max(200, answer.heartbeatIntervalMillis());
            if (answer.draining() != draining) {
                draining = answer.draining();
                log.log(System.Logger.Level.INFO, draining ? "The broker drains this host: no new sessions, "
                        + "existing ones continue" : "The broker resumed this host: new sessions welcome");
            }
            for (UUID id : answer.logoff()) {
                workers.submit(() -> sessions.logoff(id, "the broker has no live session with this id"));
            }
        } catch (BrokerClient.CredentialRefused e) {
            refused(e);
        } catch (IOException e) {
            log.log(System.Logger.Level.WARNING, "Heartbeat failed (broker unreachable?): {0}", e.getMessage());
        }
    }

    private void commands() {
        while (running) {
            try {
                for (BrokerClient.Command c : broker.commands(config.commandWait())) {
                    workers.submit(() -> handle(c));
                }
            } catch (BrokerClient.CredentialRefused e) {
                refused(e);
            } catch (IOException e) {
                if (running) {
                    log.log(System.Logger.Level.WARNING, "Command poll failed (broker unreachable?): {0}", e.getMessage());
                    sleep(Duration.ofSeconds(1));
                }
            }
        }
    }

    private void handle(BrokerClient.Command c) {
        try {
            switch (c.kind()) {
                case "CREATE_SESSION" -> create(c);
                case "LOGOFF_SESSION" -> sessions.logoff(c.sessionId(), "logged off by the broker");
                case "LAUNCH_APPLICATION" -> launch(c);
                case "POWER_OFF" -> powerOff(c);
                default -> log.log(System.Logger.Level.WARNING, "Ignoring unknown command {0}", c.kind());
            }
            broker.acknowledge(c.id());
        } catch (BrokerClient.CredentialRefused e) {
            refused(e);
        } catch (IOException | RuntimeException e) {
            log.log(System.Logger.Level.WARNING, "Command {0} for session {1} not completed (redelivered later): {2}",
                    c.kind(), c.sessionId(), e.getMessage());
        }
    }

    private void create(BrokerClient.Command c) throws IOException {
        if (config.mode() == AgentConfig.Mode.SINGLE_SESSION) {
            report(c.sessionId(), "FAILED", null, "this agent runs in single-session mode and creates no sessions");
            return;
        }
        String username = c.payload().get("username").asString();
        String desktop = c.payload().hasNonNull("desktopCommand") ? c.payload().get("desktopCommand").asString() : null;
        Application application = c.payload().hasNonNull("application") ? application(c.payload().get("application")) : null;
        try {
            DesktopSession s = sessions.create(c.sessionId(), username, desktop, application);
            if (s.state() == DesktopSession.State.READY && !report(c.sessionId(), "READY", s, null)) {
                sessions.logoff(c.sessionId(), "the broker no longer wants it");
            }
        } catch (DesktopSessions.SessionFailed e) {
            log.log(System.Logger.Level.WARNING, e.getMessage());
            report(c.sessionId(), "FAILED", null, e.getMessage());
        }
    }

    /**
     * Powers the machine off when the broker asks: only without a session, only after the broker agreed once more
     * (it may have resumed the host meanwhile), with heartbeats held back so that none tells the broker the host is
     * still up while it goes down. A command that fails, or a machine still up after {@code power.off-grace-ms}, is
     * reported (REFUSED) and the agent carries on.
     */
    private void powerOff(BrokerClient.Command c) throws IOException {
        if (config.powerOffCommand() == null) {
            broker.power("REFUSED", "no power.off-command is configured on this host");
            return;
        }
        int live = sessions.count();
        if (live > 0) {
            broker.power("REFUSED", live + " sessions live on this host");
            return;
        }
        synchronized (heartbeatLock) {
            poweringOff = true;
        }
        boolean proceed;
        try {
            proceed = broker.power("POWERING_OFF", null);
        } catch (IOException | RuntimeException e) {
            resumeHeartbeats();
            throw e;
        }
        if (!proceed || sessions.count() > 0) {
            log.log(System.Logger.Level.INFO, "Not powering off: the broker no longer wants it");
            resumeHeartbeats();
            return;
        }
        // acknowledged before the machine goes down, so that it is not delivered again when it comes back
        broker.acknowledge(c.id());
        log.log(System.Logger.Level.INFO, "Powering this machine off as the broker asks: {0}", config.powerOffCommand());
        String failure = runPowerOffCommand();
        if (failure == null) {
            sleep(config.powerOffGrace());
            if (!running) {
                return;
            }
            failure = "the machine was still running " + config.powerOffGrace().toSeconds()
                    + " s after the power-off command";
        }
        log.log(System.Logger.Level.WARNING, "Did not power off: {0}", failure);
        try {
            broker.power("REFUSED", failure);
        } finally {
            resumeHeartbeats();
        }
    }

    /** @return null when the command succeeded, else what went wrong */
    private String runPowerOffCommand() {
        try {
            Path output = config.stateDir().resolve("power-off.log");
            Process p = new ProcessBuilder("/bin/sh", "-c", config.powerOffCommand()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "the power-off command did not finish in 60 s";
            }
            String said = Files.readString(output, java.nio.charset.StandardCharsets.UTF_8).strip();
            return p.exitValue() == 0 ? null : "the power-off command failed (exit " + p.exitValue() + ")"
                    + (said.isEmpty() ? "" : ": " + said.substring(Math.max(0, said.length() - 500)));
        } catch (IOException e) {
            return "the power-off command could not be started: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while the power-off command ran";
        }
    }

    private void resumeHeartbeats() {
        synchronized (heartbeatLock) {
            poweringOff = false;
        }
    }

    /** Starts a published application in the user's session here (waiting for one still starting). */
    private void launch(BrokerClient.Command c) throws IOException {
        Application application = application(c.payload().get("application"));
        if (!sessions.launch(c.sessionId(), application)) {
            log.log(System.Logger.Level.INFO, "Not launching {0}: session {1} is not here (ended?)", application.name(),
                    c.sessionId());
        }
    }

    private static Application application(JsonNode a) {
        List<String> arguments = new ArrayList<>();
        if (a.hasNonNull("arguments")) {
            a.get("arguments").forEach(v -> arguments.add(v.asString()));
        }
        return new Application(a.hasNonNull("id") ? a.get("id").asString() : null, a.get("name").asString(),
                a.get("command").asString(), arguments,
                a.hasNonNull("workingDirectory") ? a.get("workingDirectory").asString() : null);
    }

    private void endedByItself(DesktopSession s, String detail) {
        workers.submit(() -> {
            try {
                report(s.id(), "ENDED", null, detail);
            } catch (IOException e) {
                log.log(System.Logger.Level.WARNING, "Could not report the end of {0} (the next heartbeat tells): {1}",
                        s, e.getMessage());
            }
        });
    }

    private boolean report(UUID sessionId, String state, DesktopSession s, String detail) throws IOException {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("state", state);
        if (s != null) {
            r.put("consoleHost", config.hostAddress());
            r.put("consolePort", s.port());
            r.put("consolePassword", s.password());
        }
        r.put("detail", detail);
        IOException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                return broker.report(sessionId, r);
            } catch (BrokerClient.CredentialRefused e) {
                throw e;
            } catch (IOException e) {
                last = e;
                sleep(Duration.ofMillis(200L * attempt));
            }
        }
        throw last;
    }

    private void refused(BrokerClient.CredentialRefused e) {
        if (!running) {
            return;
        }
        log.log(System.Logger.Level.ERROR, "The broker refused this host''s credential ({0}): logging off every "
                + "session and stopping; enrol again with a new token", e.getMessage());
        exitCode = EXIT_REFUSED;
        stop(false);
    }

    /** Stops the loops and logs off every session. */
    @Override
    public void close() {
        stop(true);
    }

    private synchronized void stop(boolean tellBroker) {
        if (!running) {
            return;
        }
        running = false;
        loops.forEach(Thread::interrupt);
        DesktopSessions s = sessions;
        if (s != null && s.count() > 0) {
            log.log(System.Logger.Level.INFO, "Stopping: logging off {0} sessions", s.count());
            List<UUID> ids = s.snapshot().stream().map(DesktopSessions.Snapshot::sessionId).toList();
            s.logoffAll("the agent is stopping");
            if (tellBroker) {
                ids.forEach(id -> {
                    try {
                        broker.report(id, Map.of("state", "ENDED", "detail", "the session host agent stopped"));
                    } catch (IOException e) {
                        // the broker finds out from the missing heartbeats
                    }
                });
            }
        }
        if (s != null) {
            s.close("the agent is stopping");
        }
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopped.countDown();
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            // woken up by stop
        }
    }
}
