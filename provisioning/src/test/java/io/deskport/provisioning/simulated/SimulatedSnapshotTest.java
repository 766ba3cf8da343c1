package io.deskport.provisioning.simulated;

import io.deskport.provisioning.driver.CloneRequest;
import io.deskport.provisioning.driver.DesktopSnapshot;
import io.deskport.provisioning.driver.DesktopTag;
import io.deskport.provisioning.driver.DriverConfig;
import io.deskport.provisioning.driver.DriverException;
import io.deskport.provisioning.driver.DriverFailureReason;
import io.deskport.provisioning.driver.HardwareProfile;
import io.deskport.provisioning.driver.HostInventory;
import io.deskport.provisioning.driver.ImageVersion;
import io.deskport.provisioning.driver.PowerState;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The simulated driver's model of thin disks and snapshots, with their costs in storage and time. */
class SimulatedSnapshotTest {

    private static final ImageVersion IMAGE = ImageVersion.diskBoot("img", "1", "/images/golden.qcow2");
    private static final HardwareProfile HW = new HardwareProfile(1, 512, 1000, "vga");

    private static SimulatedDriver driver(Map<String, String> settings) {
        return new SimulatedDriver(SimulatedDriverConfig.from(new DriverConfig("sim", settings)));
    }

    private static String clone(SimulatedDriver sim, String id) {
        return sim.cloneDesktop(new CloneRequest(new DesktopTag("t1", "p1", id), "sim-host-1", IMAGE, HW)).desktopId();
    }

    private static HostInventory host(SimulatedDriver sim) {
        return sim.hosts().getFirst();
    }

    @Test
    void thinDisksTakeWhatTheirGuestsWriteNotTheirSize() {
        SimulatedDriver sim = driver(Map.of("hosts", "1", "storageMiBPerHost", "2000", "cloneMiB", "2"));
        String a = clone(sim, "a");
        String b = clone(sim, "b");
        assertThat(host(sim).storageUsedMiB()).isEqualTo(4);

        assertThat(sim.writeToDisk(a, 300)).isEqualTo(300);
        assertThat(sim.writeToDisk(b, 5000)).as("a disk holds at most its size").isEqualTo(998);

        assertThat(host(sim).storageUsedMiB()).isEqualTo(4 + 300 + 998);
        assertThat(host(sim).storageUseRatio()).isEqualTo((4 + 300 + 998) / 2000.0);
    }

    @Test
    void aRestoreGivesBackWhatWasWrittenSinceTheSnapshotAndLeavesTheDesktopOff() {
        SimulatedDriver sim = driver(Map.of("hosts", "1", "cloneMiB", "1"));
        String d = clone(sim, "d");
        sim.writeToDisk(d, 99);
        DesktopSnapshot snap = sim.createSnapshot(d, "s1");
        sim.start(d);
        sim.writeToDisk(d, 400);

        sim.restoreSnapshot(d, "s1");

        assertThat(snap.sizeMiB()).isEqualTo(100);
        assertThat(snap.withMemory()).isFalse();
        assertThat(sim.powerState(d)).isEqualTo(PowerState.STOPPED);
        assertThat(host(sim).storageUsedMiB()).isEqualTo(100);
    }

    @Test
    void aSnapshotOfARunningDesktopHoldsItsMemoryUntilItIsDeleted() {
        SimulatedDriver sim = driver(Map.of("hosts", "1", "cloneMiB", "0"));
        String d = clone(sim, "d");
        sim.start(d);

        DesktopSnapshot snap = sim.createSnapshot(d, "s1");
        long withSnapshot = host(sim).storageUsedMiB();
        sim.deleteSnapshot(d, "s1");

        assertThat(snap.withMemory()).isTrue();
        assertThat(snap.sizeMiB()).isEqualTo(512);
        assertThat(withSnapshot).isEqualTo(512);
        assertThat(host(sim).storageUsedMiB()).isZero();
        assertThat(sim.listSnapshots(d)).isEmpty();
    }

    @Test
    void aSnapshotTakesItsModelledTime() {
        SimulatedDriver sim = driver(Map.of("hosts", "1", "cloneMiB", "0", "snapshotDelay", "100ms",
                "snapshotMiBPerSecond", "1000"));
        String d = clone(sim, "d");
        sim.writeToDisk(d, 300); // + 300 ms at 1000 MiB/s

        long start = System.nanoTime();
        sim.createSnapshot(d, "s1");
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(millis).isGreaterThanOrEqualTo(400);
    }

    @Test
    void snapshotsAreIdempotentListedInOrderAndGoWithARefreshOrTheDesktop() {
        SimulatedDriver sim = driver(Map.of("hosts", "1"));
        String d = clone(sim, "d");
        DesktopSnapshot first = sim.createSnapshot(d, "s1");
        assertThat(sim.createSnapshot(d, "s1")).isEqualTo(first);
        sim.createSnapshot(d, "s2");
        assertThat(sim.listSnapshots(d)).extracting(DesktopSnapshot::snapshotId).containsExactly("s1", "s2");
        assertThatThrownBy(() -> sim.restoreSnapshot(d, "s9")).isInstanceOfSatisfying(DriverException.class,
                e -> assertThat(e.reason()).isEqualTo(DriverFailureReason.INVALID_STATE));

        sim.refresh(d, IMAGE, HW);
        assertThat(sim.listSnapshots(d)).isEmpty();

        sim.createSnapshot(d, "s3");
        sim.delete(d);
        sim.deleteSnapshot(d, "s3");
        assertThat(host(sim).storageUsedMiB()).isZero();
    }
}
