package io.deskport.broker.support;

import java.nio.file.Path;
import java.util.Map;

import io.deskport.gateway.support.XvncDesktop;

/**
 * The desktop of the portal's browser tests: a real TigerVNC desktop ({@link XvncDesktop}) on a free
 * display in :60–:79 (the gateway's tests use lower numbers), with VNC authentication and an xterm running
 * a shell over the whole screen.
 */
public final class XvncForPortal {

    private static final XvncDesktop.Displays DISPLAYS = new XvncDesktop.Displays(60, 79);

    private XvncForPortal() {
    }

    public static XvncDesktop start(Path workDir, int width, int height, String password) throws Exception {
        return XvncDesktop.start(DISPLAYS, workDir, width, height, password);
    }

    /** Starts an xterm with a shell filling the screen and waits until it is mapped. */
    public static void startXterm(XvncDesktop desktop, String title, Path workingDirectory) throws Exception {
        desktop.launch("xterm", Map.of("PS1", "$ ", "HOME", workingDirectory.toString()),
                "xterm", "-T", title, "-geometry", "120x40+0+0", "-fa", "Monospace", "-fs", "12",
                "-e", "sh", "-c", "cd '" + workingDirectory + "' && exec sh -i");
        desktop.awaitWindow(title);
    }
}
