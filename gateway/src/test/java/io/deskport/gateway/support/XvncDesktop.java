package io.deskport.gateway.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A real TigerVNC {@code Xvnc} desktop on a free display number, with helpers to run X programs on it.
 * Closing it stops Xvnc and everything started on it. The gateway's tests, the broker's tests and
 * bench/streaming all start their desktops here, each in its own range of display numbers.
 */
public final class XvncDesktop implements AutoCloseable {

    /**
     * The display numbers a desktop may take, {@code first} to {@code last}: each test suite or tool keeps to
     * its own range, so that they can run side by side on one machine.
     */
    public record Displays(int first, int last) {
    }

    /** The gateway's tests' displays; the broker's portal tests use :60–:79, bench/streaming :110–:119. */
    public static final Displays GATEWAY_TESTS = new Displays(40, 59);

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final Processes processes;
    private final Process xvnc;
    private final int display;
    private final int port;

    private XvncDesktop(Processes processes, Process xvnc, int display, int port) {
        this.processes = processes;
        this.xvnc = xvnc;
        this.display = display;
        this.port = port;
    }

    /**
     * Starts Xvnc on a free display of {@link #GATEWAY_TESTS}.
     *
     * @param password null for security type None, else VNC authentication with this password
     */
    public static XvncDesktop start(Path workDir, int width, int height, String password) throws Exception {
        return start(GATEWAY_TESTS, workDir, width, height, password);
    }

    /**
     * Starts Xvnc (24 bits deep, local connections only, shared) on the first free display of
     * {@code displays} and waits until it answers.
     *
     * @param workDir  where the logs (and the password file) go
     * @param password null for security type None, else VNC authentication with this password
     */
    public static XvncDesktop start(Displays displays, Path workDir, int width, int height, String password)
            throws Exception {
        Files.createDirectories(workDir);
        for (int n = displays.first(); n <= displays.last(); n++) {
            if (Files.exists(Path.of("/tmp/.X11-unix/X" + n)) || Files.exists(Path.of("/tmp/.X" + n + "-lock"))
                    || !Ports.isFree(5900 + n) || !Ports.isFree(6000 + n)) {
                continue;
            }
            Processes processes = new Processes(workDir);
            try {
                XvncDesktop desktop = startOn(n, processes, workDir, width + "x" + height, password);
                if (desktop != null) {
                    return desktop;
                }
            } catch (Exception e) {
                processes.close();
                throw e;
            }
            processes.close(); // lost a race for this display number: try the next one
        }
        throw new IllegalStateException("No free X display between :" + displays.first() + " and :" + displays.last());
    }

    /** @return the desktop once it answers, or null if Xvnc exited first (another took the display) */
    private static XvncDesktop startOn(int n, Processes processes, Path workDir, String geometry, String password)
            throws Exception {
        String[] security;
        if (password == null) {
            security = new String[] {"-SecurityTypes", "None"};
        } else {
            Path passwd = workDir.resolve("passwd-" + n);
            Processes.Result r = Processes.run(Map.of("VNC_TEST_PASSWORD", password), null, "sh", "-c",
                    "printf '%s\\n' \"$VNC_TEST_PASSWORD\" | vncpasswd -f > '" + passwd + "'");
            if (r.exitCode() != 0) {
                throw new IllegalStateException("vncpasswd failed: " + r.output());
            }
            security = new String[] {"-SecurityTypes", "VncAuth", "-rfbauth", passwd.toString()};
        }
        String[] base = {"Xvnc", ":" + n, "-geometry", geometry, "-depth", "24",
                "-rfbport", String.valueOf(5900 + n), "-localhost", "-nolisten", "tcp", "-AlwaysShared"};
        String[] command = new String[base.length + security.length];
        System.arraycopy(base, 0, command, 0, base.length);
        System.arraycopy(security, 0, command, base.length, security.length);
        Process xvnc = processes.start("xvnc-" + n, Map.of(), command);
        XvncDesktop desktop = new XvncDesktop(processes, xvnc, n, 5900 + n);
        await("Xvnc :" + n + " answering").atMost(TIMEOUT).pollInterval(Duration.ofMillis(100))
                .until(() -> !xvnc.isAlive() || desktop.answers());
        return xvnc.isAlive() ? desktop : null;
    }

    private boolean answers() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(1000);
            InputStream in = s.getInputStream();
            byte[] banner = in.readNBytes(4);
            return new String(banner, java.nio.charset.StandardCharsets.US_ASCII).equals("RFB ");
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    public int display() {
        return display;
    }

    /** @return the process id of Xvnc itself */
    public long xvncPid() {
        return xvnc.pid();
    }

    public Map<String, String> env() {
        return Map.of("DISPLAY", ":" + display);
    }

    /** Starts a program on this desktop; it is stopped with the desktop. */
    public Process launch(String logName, String... command) throws IOException {
        return launch(logName, Map.of(), command);
    }

    /** Starts a program on this desktop with extra environment; it is stopped with the desktop. */
    public Process launch(String logName, Map<String, String> extraEnv, String... command) throws IOException {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.putAll(env());
        return processes.start(logName + "-" + display, env, command);
    }

    /** Runs a short program on this desktop and returns its result. */
    public Processes.Result run(String stdin, String... command) throws IOException, InterruptedException {
        return Processes.run(env(), stdin, command);
    }

    /** Waits until a window with this title (an X window name) is mapped. */
    public void awaitWindow(String title) {
        await("window " + title + " mapped").atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> run(null, "xdotool", "search", "--onlyvisible", "--name", title).exitCode() == 0);
    }

    @Override
    public void close() {
        processes.close();
    }
}
