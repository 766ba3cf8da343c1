package io.deskport.broker.demo;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;

import org.springframework.stereotype.Component;

import io.deskport.broker.shared.ConsoleNetworks;
import io.deskport.sessionhost.procfs.ProcFs;

/**
 * Whether this machine can give the demo real desktops, and if not, why not in words: the demo's desktops
 * are Xvnc displays on this machine (with openbox and an xterm), reached on 127.0.0.1.
 */
@Component
class DemoDesktops {

    /** The demo's hypervisor host: simulated VMs whose screens are real Xvnc displays. */
    static final String HYPERVISOR = "demo-desktops";
    /** The demo's session host, served by the real agent on this machine. */
    static final String SESSION_HOST = "apps-1";
    /** What a demo desktop runs: a window manager and a terminal; leaving the terminal logs off. */
    static final String DESKTOP_COMMAND = "openbox & exec xterm -geometry 100x30+40+40 -T 'Deskport demo'";

    private final DemoProperties properties;
    private final ConsoleNetworks consoleNetworks;

    DemoDesktops(DemoProperties properties, ConsoleNetworks consoleNetworks) {
        this.properties = properties;
        this.consoleNetworks = consoleNetworks;
    }

    /** @return why the demo cannot have real desktops here, or empty when it can */
    Optional<String> unavailable() {
        if (!properties.desktops()) {
            return Optional.of("deskport.demo.desktops is false");
        }
        for (String program : new String[] {"Xvnc", "openbox", "xterm", "setsid"}) {
            if (onPath(program).isEmpty()) {
                return Optional.of(program + " is not installed (Debian: tigervnc-standalone-server, openbox, xterm; "
                        + "dev/prerequisites.sh installs them); install it and start on an empty database (dev/run --reset)");
            }
        }
        if (!consoleNetworks.allows("127.0.0.1")) {
            return Optional.of("their consoles are on 127.0.0.1, outside deskport.consoles.allowed-networks "
                    + "(dev/run allows 127.0.0.0/8)");
        }
        try {
            if (ProcFs.runsAsRoot()) {
                // each desktop's account reaches its own files below the state directory
                for (Path p = properties.stateDir().toAbsolutePath().normalize().getParent(); p != null; p = p.getParent()) {
                    if (Files.exists(p) && !Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                        return Optional.of("the desktops' accounts cannot reach " + properties.stateDir() + ": " + p
                                + " is not traversable by other users (chmod o+x " + p + ", or set deskport.demo."
                                + "state-dir to a folder that is)");
                    }
                }
            }
        } catch (IOException e) {
            return Optional.of("cannot read " + properties.stateDir() + ": " + e.getMessage());
        }
        return Optional.empty();
    }

    static Optional<Path> onPath(String program) {
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
}
