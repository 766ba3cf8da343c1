package io.deskport.sessionhost.desktop;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts the X server of a session: Xvnc on a display of its own, listening only on the configured address, with
 * the session's VNC password file and X cookie; it is up when its VNC port sends the RFB greeting. When another X
 * server took the display meanwhile, the next free display is tried.
 */
final class XvncLauncher {

    private static final System.Logger log = System.getLogger(XvncLauncher.class.getName());
    private static final int START_ATTEMPTS = 5;

    private final DesktopSessions.Settings settings;
    private final Displays displays;
    private final SessionFiles files;
    private final SessionProcesses processes;

    XvncLauncher(DesktopSessions.Settings settings, Displays displays, SessionFiles files, SessionProcesses processes) {
        this.settings = settings;
        this.displays = displays;
        this.files = files;
        this.processes = processes;
    }

    /**
     * Starts the session's Xvnc (setting its display, port and {@code xvnc} process) and returns once its VNC port
     * answers.
     */
    void start(DesktopSession s) throws IOException {
        IOException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int display = displays.allocate();
            s.display = display;
            s.port = displays.port(display);
            Files.write(files.authFile(s), XAuthority.file(display, s.cookie));
            s.xvnc = processes.spawn(s, command(s), Map.of());
            if (s.state() != DesktopSession.State.STARTING) {
                throw new IOException("logged off while starting");
            }
            try {
                awaitGreeting(s);
                last = null;
                break;
            } catch (DisplayTaken e) {
                displays.release(display);
                last = e;
                log.log(System.Logger.Level.INFO, "Display :{0} was taken meanwhile; trying another", display);
            }
        }
        if (last != null) {
            throw last;
        }
    }

    private List<String> command(DesktopSession s) {
        List<String> xvnc = new ArrayList<>(List.of("Xvnc", ":" + s.display, "-rfbport", Integer.toString(s.port),
                "-interface", settings.listenAddress(), "-SecurityTypes", "VncAuth", "-PasswordFile",
                files.passwordFile(s).toString(), "-auth", files.authFile(s).toString(), "-geometry", settings.geometry(),
                "-depth", Integer.toString(settings.depth()), "-desktop",
                s.account.name() + "@" + settings.hostName(), "-nolisten", "tcp"));
        xvnc.addAll(settings.xvncArgs());
        return xvnc;
    }

    /** Xvnc could not take the display (another X server has it): try the next one. */
    private static final class DisplayTaken extends IOException {
        DisplayTaken(String m) {
            super(m);
        }
    }

    /** Waits until the session's VNC port sends the RFB greeting. */
    private void awaitGreeting(DesktopSession s) throws IOException {
        String host = settings.listenAddress().equals("0.0.0.0") ? "127.0.0.1" : settings.listenAddress();
        long deadline = System.nanoTime() + settings.readyTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            if (!s.xvnc.isAlive()) {
                String tail = files.logTail(s);
                if (tail.contains("already active") || tail.contains("Address already in use")
                        || tail.contains("server already running")) {
                    throw new DisplayTaken(tail);
                }
                throw new IOException("Xvnc exited with code " + s.xvnc.exitValue() + ": " + tail);
            }
            if (s.state() != DesktopSession.State.STARTING) {
                throw new IOException("logged off while starting");
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, s.port), 200);
                socket.setSoTimeout(2000);
                InputStream in = socket.getInputStream();
                byte[] greeting = in.readNBytes(4);
                if (new String(greeting, StandardCharsets.US_ASCII).equals("RFB ")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        throw new IOException("the VNC port " + s.port + " did not answer within " + settings.readyTimeout());
    }
}
