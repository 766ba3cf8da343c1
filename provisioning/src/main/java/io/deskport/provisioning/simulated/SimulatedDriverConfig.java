package io.deskport.provisioning.simulated;

import io.deskport.provisioning.driver.DriverConfig;
import io.deskport.provisioning.driver.DriverException;
import io.deskport.provisioning.driver.DriverFailureReason;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the {@code simulated} driver (keys in brackets, defaults after the colon).
 *
 * @param hostIdPrefix           [{@code hostIdPrefix}: {@code sim-host-}] hosts are named prefix + 1..n
 * @param hosts                  [{@code hosts}: 4] number of simulated hosts
 * @param cpusPerHost            [{@code cpusPerHost}: 64] CPU threads per host
 * @param memoryMiBPerHost       [{@code memoryMiBPerHost}: 524288] memory per host
 * @param storageMiBPerHost      [{@code storageMiBPerHost}: 4194304] storage per host
 * @param cpuOvercommit          [{@code cpuOvercommit}: 4.0] vCPUs allowed per CPU thread when starting
 * @param cloneDelay             [{@code cloneDelay}: 0ms] time a clone takes
 * @param startDelay             [{@code startDelay}: 0ms] time a start takes
 * @param shutdownDelay          [{@code shutdownDelay}: 0ms] time a graceful shutdown takes
 * @param refreshDelay           [{@code refreshDelay}: 0ms] time a refresh takes
 * @param deleteDelay            [{@code deleteDelay}: 0ms] time a delete takes
 * @param cloneFailureProbability [{@code cloneFailureProbability}: 0] chance that a clone fails
 * @param consoleHost            [{@code consoleHost}: {@code simulated.invalid}] console address handed
 *                               out; point it at a real VNC server for demos
 * @param consolePort            [{@code consolePort}: 5900] console port handed out
 * @param consolePassword        [{@code consolePassword}: none] fixed password of the real VNC server;
 *                               without it every desktop gets a random fake password
 * @param seed                   [{@code seed}: 42] seed of the random failure injection
 * @param cloneMiB               [{@code cloneMiB}: 1] storage a fresh linked clone really takes (disks are thin:
 *                               they grow by what their guests write, see {@link SimulatedDriver#writeToDisk})
 * @param snapshotDelay          [{@code snapshotDelay}: 0ms] fixed time a snapshot takes
 * @param restoreDelay           [{@code restoreDelay}: 0ms] fixed time a restore to a snapshot takes
 * @param snapshotMiBPerSecond   [{@code snapshotMiBPerSecond}: 0] how fast a snapshot's data is written: a snapshot
 *                               takes {@code snapshotDelay} plus its size over this (0: no extra time)
 * @param migrationDelay         [{@code migrationDelay}: 0ms] fixed time a migration takes (connecting, setting up
 *                               the target)
 * @param migrationMiBPerSecond  [{@code migrationMiBPerSecond}: 0] how fast a running desktop's memory is copied to
 *                               the target: a live migration takes {@code migrationDelay} plus its memory over this,
 *                               then the switch-over (0: no extra time); a stopped desktop moves in
 *                               {@code migrationDelay}
 * @param migrationDowntime      [{@code migrationDowntime}: 0ms] how long a live-migrated desktop is paused for the
 *                               switch-over (reported as the migration's downtime)
 * @param xvnc                   [{@code consoles}: {@code none}] with {@code consoles=xvnc}, every running
 *                               desktop is a real Xvnc display on this machine ({@link XvncConsoles}); the
 *                               console settings above are then unused
 */
public record SimulatedDriverConfig(String hostIdPrefix, int hosts, int cpusPerHost, long memoryMiBPerHost,
                                    long storageMiBPerHost, double cpuOvercommit, Duration cloneDelay,
                                    Duration startDelay, Duration shutdownDelay, Duration refreshDelay,
                                    Duration deleteDelay, double cloneFailureProbability, String consoleHost,
                                    int consolePort, String consolePassword, long seed,
                                    XvncConsoles xvnc, long cloneMiB, Duration snapshotDelay, Duration restoreDelay,
                                    double snapshotMiBPerSecond, Duration migrationDelay, double migrationMiBPerSecond,
                                    Duration migrationDowntime) {

    public SimulatedDriverConfig {
        if (hosts < 1 || cpusPerHost < 1 || memoryMiBPerHost < 1 || storageMiBPerHost < 1 || cpuOvercommit <= 0) {
            throw new DriverException(DriverFailureReason.CONFIGURATION,
                    "simulated driver needs at least one host with positive capacity");
        }
        if (cloneMiB < 0 || snapshotMiBPerSecond < 0 || migrationMiBPerSecond < 0) {
            throw new DriverException(DriverFailureReason.CONFIGURATION,
                    "cloneMiB, snapshotMiBPerSecond and migrationMiBPerSecond must be >= 0");
        }
        if (cloneFailureProbability < 0 || cloneFailureProbability > 1) {
            throw new DriverException(DriverFailureReason.CONFIGURATION, "cloneFailureProbability must be in [0, 1]");
        }
    }

    /**
     * Real screens for simulated desktops ({@code consoles=xvnc}; keys in brackets, defaults after the colon).
     *
     * @param stateDir       [{@code stateDir}: required] where the machines are recorded and their displays'
     *                       files live; every directory above it must be traversable by others (the desktops'
     *                       accounts reach their own files below it)
     * @param firstDisplay   [{@code displays}: {@code 100-139}] the X displays the desktops may take
     *                       (VNC port 5900 + display, on 127.0.0.1 only)
     * @param lastDisplay    see {@code firstDisplay}
     * @param desktopCommand [{@code desktopCommand}: {@code openbox --startup xterm}] what a desktop runs
     * @param geometry       [{@code geometry}: {@code 1280x800}] the screen size a desktop starts with
     * @param accountPrefix  [{@code accountPrefix}: {@code dpd-}] prefix of the desktops' local accounts
     * @param readyTimeout   [{@code readyTimeout}: 20s] how long a display may take to answer
     */
    public record XvncConsoles(Path stateDir, int firstDisplay, int lastDisplay, String desktopCommand,
                               String geometry, String accountPrefix, Duration readyTimeout) {

        static XvncConsoles from(DriverConfig c) {
            String state = c.get("stateDir").orElseThrow(() -> new DriverException(DriverFailureReason.CONFIGURATION,
                    "consoles=xvnc needs stateDir, where the simulated desktops are recorded"));
            String[] displays = c.get("displays", "100-139").split("-");
            int first;
            int last;
            try {
                first = Integer.parseInt(displays[0].strip());
                last = Integer.parseInt(displays[displays.length - 1].strip());
            } catch (NumberFormatException e) {
                throw new DriverException(DriverFailureReason.CONFIGURATION, "displays must be a range like 100-139");
            }
            if (first < 1 || last < first || last > 59_000) {
                throw new DriverException(DriverFailureReason.CONFIGURATION, "displays must be a range like 100-139");
            }
            String prefix = c.get("accountPrefix", "dpd-");
            if (!prefix.matches("[a-z_][a-z0-9_-]{0,15}")) {
                throw new DriverException(DriverFailureReason.CONFIGURATION,
                        "accountPrefix must be a short lowercase account name prefix like dpd-");
            }
            return new XvncConsoles(Path.of(state), first, last, c.get("desktopCommand", "openbox --startup xterm"),
                    c.get("geometry", "1280x800"), prefix, c.getDuration("readyTimeout", Duration.ofSeconds(20)));
        }
    }

    /** Defaults: 4 roomy hosts, no delays, no failures, fake console. */
    public static SimulatedDriverConfig defaults() {
        return from(new DriverConfig("simulated", java.util.Map.of()));
    }

    /** Reads the settings of a driver instance. */
    public static SimulatedDriverConfig from(DriverConfig c) {
        return new SimulatedDriverConfig(
                c.get("hostIdPrefix", "sim-host-"),
                c.getInt("hosts", 4),
                c.getInt("cpusPerHost", 64),
                c.getLong("memoryMiBPerHost", 512 * 1024),
                c.getLong("storageMiBPerHost", 4L * 1024 * 1024),
                c.getDouble("cpuOvercommit", 4.0),
                c.getDuration("cloneDelay", Duration.ZERO),
                c.getDuration("startDelay", Duration.ZERO),
                c.getDuration("shutdownDelay", Duration.ZERO),
                c.getDuration("refreshDelay", Duration.ZERO),
                c.getDuration("deleteDelay", Duration.ZERO),
                c.getDouble("cloneFailureProbability", 0),
                c.get("consoleHost", "simulated.invalid"),
                c.getInt("consolePort", 5900),
                c.get("consolePassword").orElse(null),
                c.getLong("seed", 42),
                switch (c.get("consoles", "none")) {
                    case "none" -> null;
                    case "xvnc" -> XvncConsoles.from(c);
                    default -> throw new DriverException(DriverFailureReason.CONFIGURATION,
                            "consoles must be none or xvnc");
                },
                c.getLong("cloneMiB", 1),
                c.getDuration("snapshotDelay", Duration.ZERO),
                c.getDuration("restoreDelay", Duration.ZERO),
                c.getDouble("snapshotMiBPerSecond", 0),
                c.getDuration("migrationDelay", Duration.ZERO),
                c.getDouble("migrationMiBPerSecond", 0),
                c.getDuration("migrationDowntime", Duration.ZERO));
    }
}
