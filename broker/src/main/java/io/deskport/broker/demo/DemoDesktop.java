package io.deskport.broker.demo;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.PreDestroy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * A desktop a new user can open right away: when {@code Xvnc} (Debian tigervnc-standalone-server) is on
 * the PATH, the demo starts one on a free display (with openbox and an xterm when installed) and points
 * the demo tenant's desktops and session host at it — every demo session shows this one shared screen.
 * Without Xvnc the demo desktops keep their placeholder consoles and the log says how to get a real one.
 * The demo's processes end with the broker, even when it is killed.
 */
@Component
class DemoDesktop {

    private static final Logger log = LoggerFactory.getLogger(DemoDesktop.class);
    private static final List<String> DEMO_MACHINES = List.of("eng-1", "eng-2", "office-1", "office-2", "office-3", "apps-1");

    private final boolean enabled;
    private final int firstDisplay;
    private final int lastDisplay;
    private final Path workDir;
    private final JdbcClient jdbc;
    private final int serverPort;
    private final List<Process> processes = new ArrayList<>();

    DemoDesktop(@Value("${deskport.demo.enabled:true}") boolean demoEnabled,
                @Value("${deskport.demo.local-desktop:true}") boolean localDesktop,
                @Value("${deskport.demo.local-desktop-displays:20-39}") String displays,
                @Value("${deskport.demo.local-desktop-dir:./data/demo-desktop}") Path workDir,
                @Value("${server.port:8080}") int serverPort, JdbcClient jdbc) {
        this.enabled = demoEnabled && localDesktop;
        String[] range = displays.split("-");
        this.firstDisplay = Integer.parseInt(range[0].trim());
        this.lastDisplay = Integer.parseInt(range[range.length - 1].trim());
        this.workDir = workDir;
        this.jdbc = jdbc;
        this.serverPort = serverPort;
    }

    @EventListener(ApplicationReadyEvent.class)
    @Order(2) // after DemoData created the demo tenant
    void startAndRegister() {
        if (!enabled) {
            return;
        }
        Optional<Path> xvnc = onPath("Xvnc");
        if (xvnc.isEmpty()) {
            log.info("No Xvnc on the PATH: the demo desktops keep their placeholder VNC consoles and cannot be opened. "
                    + "Install tigervnc-standalone-server, openbox and xterm (Debian) and restart for a demo desktop "
                    + "you can open in the browser.");
            return;
        }
        try {
            Files.createDirectories(workDir);
            for (int display = firstDisplay; display <= lastDisplay; display++) {
                if (displayTaken(display)) {
                    continue;
                }
                String password = password();
                if (start(xvnc.get(), display, password)) {
                    int port = 5900 + display;
                    int changed = register(port, password);
                    log.warn("\n\n=== Demo desktop: Xvnc on display :{} (127.0.0.1:{}) with openbox and an xterm; "
                            + "{} demo desktops and session hosts point at it. Sign in at http://localhost:{} ===\n",
                            display, port, changed, serverPort);
                    return;
                }
            }
            log.warn("No free X display between :{} and :{} for the demo desktop; the demo desktops cannot be opened",
                    firstDisplay, lastDisplay);
        } catch (IOException e) {
            log.warn("Could not start the demo desktop ({}); the demo desktops cannot be opened", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean start(Path xvnc, int display, String password) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(xvnc.toString(), ":" + display, "-geometry", "1280x800",
                "-depth", "24", "-rfbport", String.valueOf(5900 + display), "-localhost", "-nolisten", "tcp",
                "-AlwaysShared", "-desktop", "Deskport demo"));
        Optional<Path> vncpasswd = onPath("vncpasswd");
        if (vncpasswd.isPresent()) {
            Path passwd = workDir.resolve("passwd");
            Process p = new ProcessBuilder(vncpasswd.get().toString(), "-f").redirectOutput(passwd.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().write((password + "\n").getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            if (p.waitFor() != 0) {
                throw new IOException("vncpasswd failed");
            }
            command.addAll(List.of("-SecurityTypes", "VncAuth", "-rfbauth", passwd.toString()));
        } else {
            command.addAll(List.of("-SecurityTypes", "None")); // listens on 127.0.0.1 only
        }
        Process server = launch(command, "xvnc.log", display);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (server.isAlive() && !answers(5900 + display)) {
            if (Instant.now().isAfter(deadline)) {
                end(server);
                processes.remove(server);
                return false;
            }
            Thread.sleep(100); // a process we do not control: poll its port
        }
        if (!server.isAlive()) {
            processes.remove(server);
            return false; // lost a race for this display: the caller tries the next one
        }
        onPath("openbox").ifPresent(openbox -> launchQuietly(List.of(openbox.toString()), "openbox.log", display));
        onPath("xterm").ifPresent(xterm -> launchQuietly(List.of(xterm.toString(), "-geometry", "100x30+40+40",
                "-T", "Deskport demo"), "xterm.log", display));
        return true;
    }

    /** Points the demo tenant's machines at the local desktop; the console stays on the server side. */
    private int register(int port, String password) {
        int changed = 0;
        for (String table : List.of("desktop", "session_host")) {
            changed += jdbc.sql("update " + table + " set console_host = '127.0.0.1', console_port = :port, console_password = :password "
                            + "where tenant_id = (select id from tenant where slug = 'demo') and name in (:names)")
                    .param("port", port).param("password", password).param("names", DEMO_MACHINES).update();
        }
        return changed;
    }

    /**
     * Runs a program so that it ends with the broker, even when the broker is killed (kill -9): a shell in
     * a process group of its own runs it and watches its standard input, a pipe only the broker holds;
     * when the pipe closes (the broker exited, however) the whole group is ended. The group also ends when
     * the program exits by itself.
     */
    private static final List<String> TETHER = List.of("setsid", "sh", "-c",
            // (a background list's stdin is /dev/null in sh: the watcher reads the pipe through fd 3)
            "exec 3<&0; \"$@\" </dev/null 3<&- & c=$!; { cat <&3 >/dev/null; kill -TERM 0; } & exec 3<&-; "
                    + "wait \"$c\"; kill -TERM 0", "deskport-demo");

    private Process launch(List<String> program, String logName, int display) throws IOException {
        List<String> command = new ArrayList<>(TETHER);
        command.addAll(program);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(workDir.resolve(logName).toFile());
        pb.environment().put("DISPLAY", ":" + display);
        pb.environment().put("HOME", workDir.toAbsolutePath().toString());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private void launchQuietly(List<String> command, String logName, int display) {
        try {
            launch(command, logName, display);
        } catch (IOException e) {
            log.info("Demo desktop: could not start {} ({})", command.getFirst(), e.toString());
        }
    }

    @PreDestroy
    void stop() {
        processes.reversed().forEach(DemoDesktop::end);
        processes.clear();
    }

    /** Ends a tethered program and its group: closing the tether's pipe is what a dying broker does too. */
    private static void end(Process p) {
        try {
            p.getOutputStream().close();
        } catch (IOException e) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
    }

    private static boolean displayTaken(int display) {
        return Files.exists(Path.of("/tmp/.X11-unix/X" + display)) || Files.exists(Path.of("/tmp/.X" + display + "-lock"))
                || !portFree(5900 + display) || !portFree(6000 + display);
    }

    private static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean answers(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 300);
            s.setSoTimeout(1000);
            return new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII).equals("RFB ");
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static String password() {
        // VNC authentication uses at most 8 characters
        String alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
