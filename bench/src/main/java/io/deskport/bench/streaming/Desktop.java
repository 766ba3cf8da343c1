package io.deskport.bench.streaming;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's desktop: one TigerVNC {@code Xvnc} (1280×800, VNC authentication) on a free display in
 * :110–:119 with openbox, and the scripted workload on it:
 * <ul>
 *   <li>a "scroll" xterm on the left printing numbered lines at a fixed rate (jump scrolling, so Xvnc sees
 *       {@code CopyArea} scrolls plus new text, as with any log or build output);</li>
 *   <li>a "drag" xterm (coloured, static text) moved round a 150×260 rectangle on the right, 5 pixels every
 *       16 ms, with the pointer on its title bar (xdotool {@code windowmove} + {@code mousemove}): what the
 *       screen shows during a drag, without openbox's keyboard grab of a real title-bar drag, which would
 *       swallow the probe's keys;</li>
 *   <li>a one-line "probe" xterm at the bottom right holding the keyboard focus: a tiny program in raw
 *       mode that rewrites the typed character in its first cell (and hides the cursor), so every key
 *       changes that cell and nothing else ever does — the input-latency detector watches it.</li>
 * </ul>
 * The openbox configuration binds only "drag on title bar = move" and never moves the focus with the
 * pointer, so the pointer's laps do not steal the keyboard from the probe. Closing stops everything it
 * started.
 */
final class Desktop implements AutoCloseable {

    static final int WIDTH = 1280;
    static final int HEIGHT = 800;

    /** A window's client area in screen coordinates. */
    record Area(int x, int y, int width, int height) {
    }

    private final Path work;
    private final List<Process> processes = new ArrayList<>();
    private final int display;
    private final int port;
    private final String password;
    private volatile boolean dragging;
    private volatile int laps;
    private Thread dragThread;
    private Process xvnc;

    private Desktop(Path work, int display, int port, String password) {
        this.work = work;
        this.display = display;
        this.port = port;
        this.password = password;
    }

    /** Starts Xvnc and openbox on the first free display in :110–:119. */
    static Desktop start(Path work, String password) throws Exception {
        Files.createDirectories(work);
        for (int n = 110; n <= 119; n++) {
            int port = 5900 + n;
            if (Files.exists(Path.of("/tmp/.X11-unix/X" + n)) || Files.exists(Path.of("/tmp/.X" + n + "-lock"))
                    || !portFree(port) || !portFree(6000 + n)) {
                continue;
            }
            Desktop d = new Desktop(work, n, port, password);
            try {
                if (d.startServer()) {
                    d.startWindowManager();
                    return d;
                }
            } catch (Exception e) {
                d.close();
                throw e;
            }
            d.close(); // lost a race for this display: try the next
        }
        throw new IllegalStateException("no free X display in :110–:119");
    }

    int display() {
        return display;
    }

    int port() {
        return port;
    }

    long xvncPid() {
        return xvnc.pid();
    }

    private boolean startServer() throws Exception {
        Path passwd = work.resolve("vncpasswd");
        Process p = new ProcessBuilder("vncpasswd", "-f").redirectOutput(passwd.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().write((password + "\n").getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("vncpasswd failed");
        }
        xvnc = launch("xvnc", "Xvnc", ":" + display, "-geometry", WIDTH + "x" + HEIGHT, "-depth", "24",
                "-rfbport", Integer.toString(port), "-localhost", "-nolisten", "tcp", "-AlwaysShared",
                "-SecurityTypes", "VncAuth", "-rfbauth", passwd.toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!xvnc.isAlive()) {
                return false;
            }
            if (answers()) {
                return true;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("Xvnc :" + display + " did not start; see " + work.resolve("xvnc.log"));
    }

    private void startWindowManager() throws Exception {
        Path rc = work.resolve("openbox-rc.xml");
        Files.writeString(rc, """
                <?xml version="1.0" encoding="UTF-8"?>
                <openbox_config xmlns="http://openbox.org/3.4/rc">
                  <focus><focusNew>yes</focusNew><followMouse>no</followMouse></focus>
                  <theme><name>Clearlooks</name></theme>
                  <desktops><number>1</number></desktops>
                  <mouse>
                    <dragThreshold>1</dragThreshold>
                    <context name="Titlebar">
                      <mousebind button="Left" action="Drag"><action name="Move"/></mousebind>
                    </context>
                  </mouse>
                </openbox_config>
                """);
        launch("openbox", "openbox", "--config-file", rc.toString());
        awaitTrue("openbox running", () -> run("xprop", "-root", "_NET_SUPPORTING_WM_CHECK").contains("window id"));
    }

    /**
     * Starts the three windows of the workload and gives the probe the keyboard focus.
     *
     * @param linesPerSecond scrolling rate of the scroll xterm; 0 prints as fast as xterm takes it
     */
    void startWorkload(int linesPerSecond) throws Exception {
        Path scroller = work.resolve("scroller.py");
        Files.writeString(scroller, """
                import sys, time
                text = open('/etc/services', encoding='latin-1').read().splitlines() or ['-' * 60]
                rate = float(sys.argv[1])
                n = 0
                start = time.monotonic()
                while True:
                    if rate > 0:
                        time.sleep(0.02 - (time.monotonic() - start) % 0.02)
                        count = int(rate * (time.monotonic() - start)) - n
                    else:
                        count = 200
                    if count > 0:
                        sys.stdout.write(''.join('%08d %s\\n' % (n + i, text[(n + i) % len(text)]) for i in range(count)))
                        sys.stdout.flush()
                        n += count
                """);
        Path probe = work.resolve("probe.py");
        Files.writeString(probe, """
                import os, tty
                tty.setraw(0)
                os.write(1, b'\\x1b[?25l\\r.')
                while True:
                    c = os.read(0, 1)
                    if not c:
                        break
                    os.write(1, b'\\r' + c)
                """);
        launch("xterm-scroll", "xterm", "-T", "deskport-scroll", "-geometry", "100x56+0+0", "-e", "python3", "-u",
                scroller.toString(), Integer.toString(linesPerSecond));
        launch("xterm-drag", "xterm", "-T", "deskport-drag", "-geometry", "60x16+700+40", "-bg", "#1d3b53",
                "-fg", "#f0e6a8", "-e", "sh", "-c", "ls -l --color=always /etc | head -15; exec sleep 1000000");
        awaitTrue("drag window mapped", () -> !run("xdotool", "search", "--onlyvisible", "--name", "deskport-drag").isBlank());
        launch("xterm-probe", "xterm", "-T", "deskport-probe", "-geometry", "12x1+1100+720", "-e", "python3", "-u",
                probe.toString());
        awaitTrue("probe window mapped", () -> !run("xdotool", "search", "--onlyvisible", "--name", "deskport-probe").isBlank());
        awaitTrue("scroll window mapped", () -> !run("xdotool", "search", "--onlyvisible", "--name", "deskport-scroll").isBlank());
        focusProbe();
    }

    /** Gives the probe window the keyboard focus (and checks that it has it). */
    void focusProbe() throws Exception {
        String id = run("xdotool", "search", "--onlyvisible", "--name", "deskport-probe").strip().split("\\s+")[0];
        run("xdotool", "windowactivate", "--sync", id);
        awaitTrue("probe focused", () -> run("xdotool", "getwindowfocus", "getwindowname").strip().equals("deskport-probe"));
    }

    /** @return the client area of the probe window: the only place where typed characters appear */
    Area probeArea() throws Exception {
        return area("deskport-probe");
    }

    /** Starts dragging the drag window round its rectangle, lap after lap, until {@link #stopDragging()}. */
    void startDragging() throws Exception {
        String window = run("xdotool", "search", "--onlyvisible", "--name", "deskport-drag").strip().split("\\s+")[0];
        Area start = area("deskport-drag");
        run("xdotool", "windowmove", window, "" + (start.x() + 10), "" + start.y());
        Thread.sleep(200);
        Area moved = area("deskport-drag");
        if (moved.x() == start.x()) {
            throw new IllegalStateException("the drag window does not move: " + start + " → " + moved);
        }
        int dx = moved.x() - start.x() - 10; // how windowmove's coordinates relate to the client area
        int dy = moved.y() - start.y();
        focusProbe();
        dragging = true;
        dragThread = Thread.ofPlatform().daemon(true).name("drag").start(() -> {
            while (dragging) {
                // A lap of the window and the pointer on it, 5 pixels every 16 ms. Moved by requests rather than
                // by a title-bar drag: openbox grabs the keyboard while it moves a window, so a real drag would
                // swallow the probe's keys (a user cannot type into another window mid-drag either).
                List<String> cmd = new ArrayList<>(List.of("xdotool"));
                int[][] legs = {{150, 0}, {0, 260}, {-150, 0}, {0, -260}};
                int x = start.x() - dx;
                int y = start.y() - dy;
                for (int[] leg : legs) {
                    int steps = Math.max(Math.abs(leg[0]), Math.abs(leg[1])) / 5;
                    for (int s = 0; s < steps; s++) {
                        x += Integer.signum(leg[0]) * 5;
                        y += Integer.signum(leg[1]) * 5;
                        cmd.addAll(List.of("windowmove", window, "" + x, "" + y,
                                "mousemove", "" + (x + dx + start.width() / 2), "" + (y + dy - 10), "sleep", "0.016"));
                    }
                }
                try {
                    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("drag.log").toFile()));
                    pb.environment().put("DISPLAY", ":" + display);
                    Process p = pb.start();
                    p.getOutputStream().close();
                    if (p.waitFor() != 0) {
                        Thread.sleep(1000); // logged in drag.log; the next lap tries again
                    }
                    laps++;
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** @return drag laps completed so far (each moves the window 820 pixels and back to where it started) */
    int laps() {
        return laps;
    }

    void stopDragging() throws InterruptedException {
        dragging = false;
        if (dragThread != null) {
            dragThread.join(10_000);
        }
    }

    private Area area(String name) throws Exception {
        String id = run("xdotool", "search", "--onlyvisible", "--name", name).strip().split("\\s+")[0];
        String info = run("xwininfo", "-id", id);
        return new Area(field(info, "Absolute upper-left X"), field(info, "Absolute upper-left Y"),
                field(info, "Width"), field(info, "Height"));
    }

    private static int field(String text, String name) {
        Matcher m = Pattern.compile(Pattern.quote(name) + ":\\s+(-?\\d+)").matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("xwininfo did not report " + name + ": " + text);
        }
        return Integer.parseInt(m.group(1));
    }

    /** Runs an X client on this display and returns its output. */
    String run(String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("DISPLAY", ":" + display);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(20, TimeUnit.SECONDS);
        return out;
    }

    private Process launch(String log, String... command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve(log + ".log").toFile());
        pb.environment().put("DISPLAY", ":" + display);
        Process p = pb.start();
        p.getOutputStream().close();
        processes.add(p);
        return p;
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void awaitTrue(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for: " + what);
            }
            Thread.sleep(100);
        }
    }

    private boolean answers() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(1000);
            InputStream in = s.getInputStream();
            return new String(in.readNBytes(4), StandardCharsets.US_ASCII).equals("RFB ");
        } catch (IOException e) {
            return false;
        }
    }

    static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Environment for programs that must talk to this display. */
    Map<String, String> env() {
        return Map.of("DISPLAY", ":" + display);
    }

    @Override
    public void close() {
        dragging = false;
        for (Process p : processes.reversed()) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
