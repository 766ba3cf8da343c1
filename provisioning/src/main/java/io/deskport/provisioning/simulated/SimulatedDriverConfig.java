package io.deskport.provisioning.simulated;

import io.deskport.provisioning.driver.DriverConfig;
import io.deskport.provisioning.driver.DriverException;
import io.deskport.provisioning.driver.DriverFailureReason;

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
 */
public record SimulatedDriverConfig(String hostIdPrefix, int hosts, int cpusPerHost, long memoryMiBPerHost,
                                    long storageMiBPerHost, double cpuOvercommit, Duration cloneDelay,
                                    Duration startDelay, Duration shutdownDelay, Duration refreshDelay,
                                    Duration deleteDelay, double cloneFailureProbability, String consoleHost,
                                    int consolePort, String consolePassword, long seed) {

    public SimulatedDriverConfig {
        if (hosts < 1 || cpusPerHost < 1 || memoryMiBPerHost < 1 || storageMiBPerHost < 1 || cpuOvercommit <= 0) {
            throw new DriverException(DriverFailureReason.CONFIGURATION,
                    "simulated driver needs at least one host with positive capacity");
        }
        if (cloneFailureProbability < 0 || cloneFailureProbability > 1) {
            throw new DriverException(DriverFailureReason.CONFIGURATION, "cloneFailureProbability must be in [0, 1]");
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
                c.getLong("seed", 42));
    }
}
