package io.deskport.provisioning.simulated;

import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Failure injection of a {@link SimulatedDriver}: failing clones, hosts going down and up. Crashing
 * a desktop is {@link SimulatedDriver#crash(String)}. Thread-safe.
 */
public final class SimulatedFaults {

    private final AtomicInteger failNextClones = new AtomicInteger();
    private final AtomicInteger failNextMigrations = new AtomicInteger();
    private final Set<String> downHosts = ConcurrentHashMap.newKeySet();
    private final Random random;
    private volatile double cloneFailureProbability;

    SimulatedFaults(double cloneFailureProbability, long seed) {
        this.cloneFailureProbability = cloneFailureProbability;
        this.random = new Random(seed);
    }

    /** Makes the next {@code count} clones fail with a hypervisor error. */
    public void failNextClones(int count) {
        failNextClones.set(count);
    }

    /**
     * Makes the next {@code count} migrations fail with a hypervisor error after copying the memory, as a real
     * migration that fails in its last step does: the desktop stays (running) on its source host.
     */
    public void failNextMigrations(int count) {
        failNextMigrations.set(count);
    }

    boolean nextMigrationFails() {
        return failNextMigrations.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    /** Makes each clone fail with this probability (0 to 1). */
    public void cloneFailureProbability(double probability) {
        if (probability < 0 || probability > 1) {
            throw new IllegalArgumentException("probability must be in [0, 1]");
        }
        this.cloneFailureProbability = probability;
    }

    /** Takes a host down: every operation on it fails with {@code HostUnavailableException}. */
    public void hostDown(String hostId) {
        downHosts.add(hostId);
    }

    /** Brings a host back. */
    public void hostUp(String hostId) {
        downHosts.remove(hostId);
    }

    /** True if the host is down. */
    public boolean isDown(String hostId) {
        return downHosts.contains(hostId);
    }

    /** Decides whether this clone fails, consuming one of the "next N" failures first. */
    boolean nextCloneFails() {
        if (failNextClones.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            return true;
        }
        double p = cloneFailureProbability;
        if (p <= 0) {
            return false;
        }
        synchronized (random) {
            return random.nextDouble() < p;
        }
    }
}
