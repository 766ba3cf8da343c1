package io.deskport.broker.demo;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Demo settings ({@code deskport.demo.*}); documented in the README.
 *
 * @param enabled         create the demo tenant, its accounts and pools on the first start of an empty database
 * @param desktops        give the demo pools real desktops on this machine when Xvnc is installed: the
 *                        persistent and pooled pools on a simulated hypervisor whose desktops are Xvnc displays
 *                        (each with an unprivileged account and home of its own), the shared pool on the real
 *                        session-host agent, started with the broker
 * @param stateDir        where the demo's desktops and session host keep their files
 * @param firstDisplay    first of the {@value #DISPLAYS} X displays the demo takes: the simulated desktops use
 *                        the first {@value #DESKTOP_DISPLAYS}, the session host the rest
 * @param credentialsFile where the first start writes the demo sign-ins (mode 0600); kept as it is afterwards,
 *                        beside the embedded database in {@code ./data} by default
 */
@ConfigurationProperties("deskport.demo")
public record DemoProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("true") boolean desktops,
        @DefaultValue("./data/demo") Path stateDir,
        @DefaultValue("100") int firstDisplay,
        @DefaultValue("./data/demo-credentials.txt") Path credentialsFile) {

    /** X displays the demo takes from {@code firstDisplay} on. */
    public static final int DISPLAYS = 60;
    /** Of those, the displays of the simulated desktops. */
    public static final int DESKTOP_DISPLAYS = 40;

    /** The simulated desktops' displays, e.g. {@code 100-139}. */
    String desktopDisplays() {
        return firstDisplay + "-" + (firstDisplay + DESKTOP_DISPLAYS - 1);
    }

    /** The session host's first display. */
    int sessionHostFirstDisplay() {
        return firstDisplay + DESKTOP_DISPLAYS;
    }

    /** The session host's last display. */
    int sessionHostLastDisplay() {
        return firstDisplay + DISPLAYS - 1;
    }

    /** Where the simulated desktops are recorded. */
    Path desktopsDir() {
        return stateDir.resolve("desktops");
    }

    /** The session-host agent's configuration and state. */
    Path sessionHostDir() {
        return stateDir.resolve("session-host");
    }
}
