package io.deskport.broker.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.deskport.gateway.support.Ports;
import io.deskport.gateway.support.Processes;

import static org.awaitility.Awaitility.await;

/**
 * A real TigerVNC desktop for the portal's browser tests, on a free display in :60–:79 (other test
 * suites use lower numbers), with VNC authentication and an xterm running a shell over the whole screen.
 */
public final class XvncForPortal implements AutoCloseable {

    private static final int FIRST_DISPLAY = 60;
    private static final int LAST_DISPLAY = 79;

    private final Processes processes;
    private final int display;

    private XvncForPortal(Processes processes, int display) {
        this.processes = processes;
        this.display = display;
    }

    public static XvncForPortal start(Path workDir, int width, int height, String password) throws Exception {
        Files.createDirectories(workDir);
        for (int n = FIRST_DISPLAY; n <= LAST_DISPLAY; n++) {
            if (Files.exists(Path.of("/tmp/.X11-unix/X" + n)) || Files.exists(Path.of("/tmp/.X" + n + "-lock"))
                    || !Ports.isFree(5900 + n) || !Ports.isFree(6000 + n)) {
                continue;
            }
            Processes processes = new Processes(workDir);
            try {
                Path passwd = workDir.resolve("passwd-" + n);
                Processes.Result r = Processes.run(Map.of("VNC_TEST_PASSWORD", password), null, "sh", "-c",
                        "printf '%s\\n' \"$VNC_TEST_PASSWORD\" | vncpasswd -f > '" + passwd + "'");
                if (r.exitCode() != 0) {
                    throw new IllegalStateException("vncpasswd failed: " + r.output());
                }
                Process xvnc = processes.start("xvnc-" + n, Map.of(), "Xvnc", ":" + n, "-geometry", width + "x" + height,
                        "-depth", "24", "-rfbport", String.valueOf(5900 + n), "-localhost", "-nolisten", "tcp",
                        "-AlwaysShared", "-SecurityTypes", "VncAuth", "-rfbauth", passwd.toString());
                XvncForPortal desktop = new XvncForPortal(processes, n);
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

    /** Starts an xterm with a shell filling the screen and waits until it is mapped. */
    public void startXterm(String title, Path workingDirectory) throws Exception {
        processes.start("xterm-" + display, Map.of("DISPLAY", ":" + display, "PS1", "$ ", "HOME", workingDirectory.toString()),
                "xterm", "-T", title, "-geometry", "120x40+0+0", "-fa", "Monospace", "-fs", "12",
                "-e", "sh", "-c", "cd '" + workingDirectory + "' && exec sh -i");
        await("xterm mapped").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> Processes.run(Map.of("DISPLAY", ":" + display), null, "xdotool", "search", "--onlyvisible",
                        "--name", title).exitCode() == 0);
    }

    private boolean answers() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port()), 500);
            s.setSoTimeout(1000);
            InputStream in = s.getInputStream();
            return new String(in.readNBytes(4), StandardCharsets.US_ASCII).equals("RFB ");
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return 5900 + display;
    }

    public int display() {
        return display;
    }

    @Override
    public void close() {
        processes.close();
    }
}
