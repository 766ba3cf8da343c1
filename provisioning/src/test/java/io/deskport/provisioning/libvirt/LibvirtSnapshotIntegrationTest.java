package io.deskport.provisioning.libvirt;

import io.deskport.provisioning.driver.CloneRequest;
import io.deskport.provisioning.driver.DesktopSnapshot;
import io.deskport.provisioning.driver.DriverException;
import io.deskport.provisioning.driver.DriverFailureReason;
import io.deskport.provisioning.driver.HardwareProfile;
import io.deskport.provisioning.driver.ImageVersion;
import io.deskport.provisioning.driver.PowerState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Snapshots of libvirt desktops (internal qcow2 snapshots) against the real libvirtd with QEMU in software
 * emulation. The guest's disk is changed with {@code qemu-io} while the desktop is powered off, so what is on the
 * disk is known to the byte. At most one VM runs at a time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LibvirtSnapshotIntegrationTest {

    private LibvirtTestHost host;
    private LibvirtDriver driver;
    private ImageVersion v1;

    @BeforeAll
    void startLibvirtAndBuildTheImage() throws Exception {
        host = new LibvirtTestHost();
        driver = host.driver;
        v1 = host.image.toImageVersion("tiny", "1");
    }

    @AfterEach
    void removeEverythingThisRunCreated() throws Exception {
        host.cleanUp();
    }

    @AfterAll
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void aChangeWrittenAfterASnapshotIsGoneAfterTheRestore() throws Exception {
        String id = clone("undo");
        Path disk = host.overlay(id);
        write(disk, 0xaa, "0", "2M");

        DesktopSnapshot saved = driver.createSnapshot(id, "s1");
        write(disk, 0xbb, "0", "1M");
        write(disk, 0xcc, "8M", "1M");
        assertThat(matches(disk, 0xbb, "0", "1M")).as("the change is on the disk").isTrue();

        driver.restoreSnapshot(id, "s1");

        assertThat(matches(disk, 0xaa, "0", "2M")).as("the data of the snapshot is back").isTrue();
        assertThat(matches(disk, 0xcc, "8M", "1M")).as("what was written after the snapshot is gone").isFalse();
        assertThat(driver.powerState(id)).isEqualTo(PowerState.STOPPED);
        assertThat(saved.sizeMiB()).as("the snapshot holds the 2 MiB written before it").isGreaterThanOrEqualTo(2);
        assertThat(saved.withMemory()).isFalse();
        assertThat(driver.listSnapshots(id)).extracting(DesktopSnapshot::snapshotId).containsExactly("s1");
    }

    @Test
    void aRunningDesktopIsSnapshottedWithItsMemoryAndRestoredPoweredOff() throws Exception {
        String id = clone("running");
        write(host.overlay(id), 0xaa, "0", "1M");
        driver.start(id);

        DesktopSnapshot saved = driver.createSnapshot(id, "live");
        assertThat(driver.powerState(id)).as("the guest runs on after its snapshot").isEqualTo(PowerState.RUNNING);
        driver.powerOff(id);
        write(host.overlay(id), 0xbb, "0", "1M");

        driver.restoreSnapshot(id, "live");

        assertThat(saved.withMemory()).isTrue();
        assertThat(saved.sizeMiB()).as("its memory is part of what it holds").isGreaterThanOrEqualTo(256);
        assertThat(driver.powerState(id)).isEqualTo(PowerState.STOPPED);
        assertThat(matches(host.overlay(id), 0xaa, "0", "1M")).isTrue();
    }

    @Test
    void snapshotsAreListedOldestFirstAndDeletingTheOldestKeepsTheNewest() throws Exception {
        String id = clone("keep");
        for (int i = 1; i <= 4; i++) {
            driver.createSnapshot(id, "day" + i);
            Thread.sleep(1100); // libvirt records creation times in whole seconds
        }

        driver.deleteSnapshot(id, "day1");
        driver.deleteSnapshot(id, "day2");

        assertThat(driver.listSnapshots(id)).extracting(DesktopSnapshot::snapshotId).containsExactly("day3", "day4");
        String info = run("qemu-img", "snapshot", "-l", host.overlay(id).toString());
        assertThat(info).contains("day3").contains("day4").doesNotContain("day1").doesNotContain("day2");
    }

    @Test
    void snapshotOperationsAreIdempotentAndARestoreToAMissingSnapshotIsInvalidState() throws Exception {
        String id = clone("idem");

        DesktopSnapshot first = driver.createSnapshot(id, "s1");
        DesktopSnapshot again = driver.createSnapshot(id, "s1");
        driver.deleteSnapshot(id, "never-taken");
        driver.deleteSnapshot(host.desktopId("no-such-desktop"), "s1");

        assertThat(again).isEqualTo(first);
        assertThat(driver.listSnapshots(id)).hasSize(1);
        assertThatThrownBy(() -> driver.restoreSnapshot(id, "never-taken")).isInstanceOfSatisfying(
                DriverException.class, e -> assertThat(e.reason()).isEqualTo(DriverFailureReason.INVALID_STATE));
        assertThat(driver.capabilities().snapshots()).isTrue();
    }

    @Test
    void aRefreshTakesTheSnapshotsWithTheOldDisk() throws Exception {
        String id = clone("refresh");
        driver.createSnapshot(id, "s1");

        driver.refresh(id, host.image.toImageVersion("tiny", "2"), HardwareProfile.TINY);

        assertThat(driver.listSnapshots(id)).isEmpty();
        assertThat(run("qemu-img", "snapshot", "-l", host.overlay(id).toString())).doesNotContain("s1");
    }

    private String clone(String name) {
        return driver.cloneDesktop(new CloneRequest(host.tag(name), null, v1, HardwareProfile.TINY)).desktopId();
    }

    private static void write(Path disk, int pattern, String offset, String length) throws Exception {
        run("qemu-io", "-f", "qcow2", "-c", "write -P 0x" + Integer.toHexString(pattern) + " " + offset + " " + length,
                disk.toString());
    }

    /** True if the range holds the pattern (qemu-io's read verifies it and says so when it does not). */
    private static boolean matches(Path disk, int pattern, String offset, String length) throws Exception {
        Process p = new ProcessBuilder("qemu-io", "-f", "qcow2", "-c", "read -P 0x" + Integer.toHexString(pattern) + " "
                + offset + " " + length, disk.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("qemu-io could read the disk").doesNotContain("Could not open").doesNotContain("Failed to get");
        return p.exitValue() == 0 && !out.contains("Pattern verification failed");
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
        return output;
    }
}
