package io.deskport.sessionhost;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

/**
 * The agent's configuration, read from one properties file (see {@code session-host/README.md} for
 * every key and its default). Invalid values stop the agent at start with a message naming the key.
 *
 * @param brokerUrl the broker's base URL, e.g. {@code https://deskport.example.com}
 * @param stateDir where the agent keeps its credential (mode 0600) and per-session files
 * @param enrolmentToken the one-time token from the admin; only read while no credential is stored
 * @param hostAddress the address the gateway uses to reach this host's sessions (registered with the broker)
 * @param vncListen the address each session's VNC server listens on (default: {@code hostAddress})
 * @param firstDisplay first X display number the agent may use (port = vncPortBase + display)
 * @param lastDisplay last X display number the agent may use
 * @param maxSessions the host's session limit, registered at enrolment
 * @param desktopCommand the desktop a session runs when the pool names none ({@code /bin/sh -c})
 * @param createAccounts whether a missing local account is created for a broker user
 * @param accountPrefix prefix of the local account names mapped from broker users
 * @param removeAccountsOnLogoff whether an account the agent created is deleted when its session ends
 * @param mode MULTI_SESSION (session host) or SINGLE_SESSION (inside a VDI desktop: report logon/logoff)
 * @param xvncArgs extra Xvnc arguments (default {@code -extension GLX}: software OpenGL costs each session
 *        ~15 MB and a slower start; set it empty to offer GLX)
 * @param applicationExitGrace how long a session of published applications lives on after its last application
 *        and window are gone
 * @param cgroupRoot the cgroup v2 directory under which session cgroups are made ({@code auto}: find it; {@code none}: do not use cgroups)
 * @param powerOffCommand what powers this machine off when the broker asks ({@code /bin/sh -c}; null: the broker may
 *        not power it off)
 * @param powerOffGrace how long the agent waits for the machine to go down after its power-off command succeeded
 *        before it says it did not and carries on
 * @param macAddress the network card the broker wakes with Wake-on-LAN (default: that of {@code hostAddress}'s
 *        interface; null when it has none, e.g. loopback)
 */
public record AgentConfig(URI brokerUrl, Path stateDir, String enrolmentToken, String hostName, String hostAddress,
                          String vncListen, int firstDisplay, int lastDisplay, int vncPortBase, int maxSessions,
                          String desktopCommand, String geometry, int depth, boolean createAccounts,
                          String accountPrefix, boolean removeAccountsOnLogoff, Mode mode, String loggedOnUserCommand,
                          String xvncArgs, String cgroupRoot, Duration commandWait, Duration readyTimeout,
                          Duration applicationExitGrace, String powerOffCommand, Duration powerOffGrace,
                          String macAddress) {

    /** What the agent does on this machine. */
    public enum Mode { MULTI_SESSION, SINGLE_SESSION }

    public static AgentConfig load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return from(p, file.toAbsolutePath().getParent());
    }

    static AgentConfig from(Properties p, Path base) {
        String address = get(p, "host.address", firstAddress());
        int first = integer(p, "display.first", 100);
        int last = integer(p, "display.last", 199);
        if (first < 1 || last < first || last > 59_000) {
            throw new IllegalArgumentException("display.first/display.last: need 1 <= first <= last (got " + first
                    + ".." + last + ")");
        }
        String token = p.getProperty("enrolment.token");
        String tokenFile = p.getProperty("enrolment.token-file");
        if ((token == null || token.isBlank()) && tokenFile != null) {
            try {
                token = Files.readString(base.resolve(tokenFile)).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("enrolment.token-file: cannot read " + tokenFile + ": " + e.getMessage());
            }
        }
        String broker = get(p, "broker.url", null);
        if (broker == null) {
            throw new IllegalArgumentException("broker.url is required, e.g. broker.url=https://deskport.example.com");
        }
        Mode mode = Mode.valueOf(get(p, "mode", "multi-session").toUpperCase().replace('-', '_'));
        return new AgentConfig(URI.create(broker.endsWith("/") ? broker.substring(0, broker.length() - 1) : broker),
                base.resolve(get(p, "state.dir", "/var/lib/deskport-session-host")),
                token == null || token.isBlank() ? null : token.strip(),
                get(p, "host.name", localHostName()),
                address,
                get(p, "vnc.listen", address),
                first, last,
                integer(p, "vnc.port-base", 5900),
                integer(p, "sessions.max", Math.max(1, last - first + 1)),
                get(p, "desktop.command", "openbox --startup xterm"),
                get(p, "desktop.geometry", "1280x800"),
                integer(p, "desktop.depth", 24),
                Boolean.parseBoolean(get(p, "accounts.create", "true")),
                get(p, "accounts.prefix", "dp-"),
                Boolean.parseBoolean(get(p, "accounts.remove-on-logoff", "false")),
                mode,
                get(p, "single-session.user-command", "who"),
                p.getProperty("xvnc.args", "-extension GLX").strip(),
                get(p, "cgroup.root", "auto"),
                Duration.ofMillis(integer(p, "commands.wait-ms", 10_000)),
                Duration.ofMillis(integer(p, "sessions.ready-timeout-ms", 15_000)),
                Duration.ofMillis(integer(p, "applications.exit-grace-ms", 5_000)),
                get(p, "power.off-command", null),
                Duration.ofMillis(integer(p, "power.off-grace-ms", 300_000)),
                mac(get(p, "power.mac", null), address));
    }

    /** The configured MAC (checked), else the one of the interface carrying {@code address}, else null. */
    static String mac(String configured, String address) {
        if (configured != null) {
            String m = configured.toLowerCase(java.util.Locale.ROOT).replace('-', ':');
            if (!m.matches("[0-9a-f]{2}(:[0-9a-f]{2}){5}")) {
                throw new IllegalArgumentException("power.mac: not a MAC address (six hex pairs, e.g. 52:54:00:12:34:56): "
                        + configured);
            }
            return m;
        }
        try {
            NetworkInterface nic = NetworkInterface.getByInetAddress(InetAddress.getByName(address));
            byte[] hw = nic == null ? null : nic.getHardwareAddress();
            if (hw == null || hw.length != 6) {
                return null;
            }
            return java.util.HexFormat.ofDelimiter(":").formatHex(hw);
        } catch (IOException e) {
            return null;
        }
    }

    private static String get(Properties p, String key, String fallback) {
        String v = p.getProperty(key);
        return v == null || v.isBlank() ? fallback : v.strip();
    }

    private static int integer(Properties p, String key, int fallback) {
        String v = p.getProperty(key);
        try {
            return v == null || v.isBlank() ? fallback : Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": not a number: " + v);
        }
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "session-host";
        }
    }

    /** The first non-loopback IPv4 address, else 127.0.0.1. */
    private static String firstAddress() {
        try {
            List<NetworkInterface> nics = new ArrayList<>(Collections.list(NetworkInterface.getNetworkInterfaces()));
            for (NetworkInterface nic : nics) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof java.net.Inet4Address) {
                        return a.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // fall through
        }
        return "127.0.0.1";
    }
}
