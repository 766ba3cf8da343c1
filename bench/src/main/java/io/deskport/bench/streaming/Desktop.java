package io.deskport.bench.streaming;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.deskport.gateway.support.XvncDesktop;

import static org.awaitility.Awaitility.await;

/**
 * The benchmark's desktop: one TigerVNC {@code Xvnc} (1280×800, VNC authentication) on a free display in
 * :110–:119 with openbox ({@link XvncDesktop}, as in the gateway's tests), and the scripted workload on it:
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

    private static final XvncDesktop.Displays DISPLAYS = new XvncDesktop.Displays(110, 119);
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Duration POLL = Duration.ofMillis(100);

    private final Path work;
    private final XvncDesktop xvnc;
    private volatile boolean dragging;
    private volatile int laps;
    private Thread dragThread;

    private Desktop(Path work, XvncDesktop xvnc) {
        this.work = work;
        this.xvnc = xvnc;
    }

    /** Starts Xvnc and openbox on the first free display in :110–:119. */
    static Desktop start(Path work, String password) throws Exception {
        Desktop d = new Desktop(work, XvncDesktop.start(DISPLAYS, work, WIDTH, HEIGHT, password));
        try {
            d.startWindowManager();
            return d;
        } catch (Exception e) {
            d.close();
            throw e;
        }
    }

    int display() {
        return xvnc.display();
    }

    int port() {
        return xvnc.port();
    }

    long xvncPid() {
        return xvnc.xvncPid();
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
        xvnc.launch("openbox", "openbox", "--config-file", rc.toString());
        await("openbox running").atMost(TIMEOUT).pollInterval(POLL)
                .until(() -> run("xprop", "-root", "_NET_SUPPORTING_WM_CHECK").contains("window id"));
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
        xvnc.launch("xterm-scroll", "xterm", "-T", "deskport-scroll", "-geometry", "100x56+0+0", "-e", "python3", "-u",
                scroller.toString(), Integer.toString(linesPerSecond));
        xvnc.launch("xterm-drag", "xterm", "-T", "deskport-drag", "-geometry", "60x16+700+40", "-bg", "#1d3b53",
                "-fg", "#f0e6a8", "-e", "sh", "-c", "ls -l --color=always /etc | head -15; exec sleep 1000000");
        xvnc.awaitWindow("deskport-drag");
        xvnc.launch("xterm-probe", "xterm", "-T", "deskport-probe", "-geometry", "12x1+1100+720", "-e", "python3", "-u",
                probe.toString());
        xvnc.awaitWindow("deskport-probe");
        xvnc.awaitWindow("deskport-scroll");
        focusProbe();
    }

    /** Gives the probe window the keyboard focus (and checks that it has it). */
    void focusProbe() throws Exception {
        String id = run("xdotool", "search", "--onlyvisible", "--name", "deskport-probe").strip().split("\\s+")[0];
        run("xdotool", "windowactivate", "--sync", id);
        await("probe focused").atMost(TIMEOUT).pollInterval(POLL)
                .until(() -> run("xdotool", "getwindowfocus", "getwindowname").strip().equals("deskport-probe"));
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
                    pb.environment().putAll(xvnc.env());
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
        return xvnc.run(null, command).output();
    }

    @Override
    public void close() {
        dragging = false;
        xvnc.close();
    }
}
