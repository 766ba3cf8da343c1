package io.deskport.gateway.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A real TigerVNC {@code Xvnc} desktop on a free display number in :40–:59, with helpers to run X
 * programs on it. Closing it stops Xvnc and everything started on it.
 */
public final class XvncDesktop implements AutoCloseable {

    private static final int FIRST_DISPLAY = 40;
    private static final int LAST_DISPLAY = 59;

    private final Processes processes;
    private final int display;
    private final int port;

    private XvncDesktop(Processes processes, int display, int port) {
        this.processes = processes;
        this.display = display;
        this.port = port;
    }

    /**
     * Starts Xvnc.
     *
     * @param password null for security type None, else VNC authentication with this password
     */
    public static XvncDesktop start(Path workDir, int width, int height, String password) throws Exception {
        Files.createDirectories(workDir);
        for (int n = FIRST_DISPLAY; n <= LAST_DISPLAY; n++) {
            int port = 5900 + n;
            if (Files.exists(Path.of("/tmp/.X11-unix/X" + n)) || Files.exists(Path.of("/tmp/.X" + n + "-lock"))
                    || !Ports.isFree(port) || !Ports.isFree(6000 + n)) {
                continue;
            }
            Processes processes = new Processes(workDir);
            try {
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
                String[] base = {"Xvnc", ":" + n, "-geometry", width + "x" + height, "-depth", "24",
                        "-rfbport", String.valueOf(port), "-localhost", "-nolisten", "tcp", "-AlwaysShared"};
                String[] command = new String[base.length + security.length];
                System.arraycopy(base, 0, command, 0, base.length);
                System.arraycopy(security, 0, command, base.length, security.length);
                Process xvnc = processes.start("xvnc-" + n, Map.of(), command);
                XvncDesktop desktop = new XvncDesktop(processes, n, port);
                await("Xvnc :" + n + " answering").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                        .until(() -> !xvnc.isAlive() || desktop.answers());
                if (xvnc.isAlive()) {
                    return desktop;
                }
            } catch (Exception e) {
                processes.close();
                throw e;
            }
            processes.close(); // lost a race for this display number: try the next one
        }
        throw new IllegalStateException("No free X display between :" + FIRST_DISPLAY + " and :" + LAST_DISPLAY);
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

    public Map<String, String> env() {
        return Map.of("DISPLAY", ":" + display);
    }

    /** Starts a program on this desktop; it is stopped with the desktop. */
    public Process launch(String logName, String... command) throws IOException {
        return processes.start(logName + "-" + display, env(), command);
    }

    /** Runs a short program on this desktop and returns its result. */
    public Processes.Result run(String stdin, String... command) throws IOException, InterruptedException {
        return Processes.run(env(), stdin, command);
    }

    @Override
    public void close() {
        processes.close();
    }
}
