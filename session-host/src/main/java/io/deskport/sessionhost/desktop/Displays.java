package io.deskport.sessionhost.desktop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;

/**
 * The X displays of the sessions, from the configured range: a display is free when no session of this agent holds
 * it, no other X server does ({@link XDisplays}) and its VNC port ({@code portBase + display}) can be bound on the
 * listen address. A display is held from {@link #allocate} until {@link #release}.
 */
final class Displays {

    private static final XDisplays X_DISPLAYS = new XDisplays(Path.of("/tmp"));

    private final int first;
    private final int last;
    private final int portBase;
    private final String listenAddress;
    private final Set<Integer> inUse = new HashSet<>();

    /** Makes the directory of the X servers' sockets when the machine has none yet (no X server ran since boot). */
    Displays(int first, int last, int portBase, String listenAddress) throws IOException {
        this.first = first;
        this.last = last;
        this.portBase = portBase;
        this.listenAddress = listenAddress;
        Path x11 = Path.of("/tmp/.X11-unix");
        if (!Files.exists(x11)) {
            Files.createDirectories(x11);
            Files.setPosixFilePermissions(x11, PosixFilePermissions.fromString("rwxrwxrwt"));
        }
    }

    /** @return a free display, held from now on */
    int allocate() throws IOException {
        synchronized (inUse) {
            for (int d = first; d <= last; d++) {
                if (inUse.contains(d) || !X_DISPLAYS.free(d) || portTaken(port(d))) {
                    continue;
                }
                inUse.add(d);
                return d;
            }
        }
        throw new IOException("No free display between :" + first + " and :" + last);
    }

    void release(int display) {
        synchronized (inUse) {
            inUse.remove(display);
        }
    }

    /** @return the VNC port of the display */
    int port(int display) {
        return portBase + display;
    }

    private boolean portTaken(int port) {
        try (ServerSocket ss = new ServerSocket()) {
            ss.setReuseAddress(true);
            ss.bind(new InetSocketAddress(listenAddress, port));
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
