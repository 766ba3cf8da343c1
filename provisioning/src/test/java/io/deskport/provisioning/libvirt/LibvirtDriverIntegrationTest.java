package io.deskport.provisioning.libvirt;

import io.deskport.provisioning.console.ConsoleProbe;
import io.deskport.provisioning.console.ConsoleProbeException;
import io.deskport.provisioning.driver.CloneRequest;
import io.deskport.provisioning.driver.ConsoleEndpoint;
import io.deskport.provisioning.driver.DesktopNotFoundException;
import io.deskport.provisioning.driver.DesktopTag;
import io.deskport.provisioning.driver.DriverConfig;
import io.deskport.provisioning.driver.DriverException;
import io.deskport.provisioning.driver.DriverFailureReason;
import io.deskport.provisioning.driver.HardwareProfile;
import io.deskport.provisioning.driver.HostUnavailableException;
import io.deskport.provisioning.driver.HypervisorDriver;
import io.deskport.provisioning.driver.HypervisorDriverRegistry;
import io.deskport.provisioning.driver.ImageVersion;
import io.deskport.provisioning.driver.ManagedDesktop;
import io.deskport.provisioning.driver.PowerState;
import io.deskport.provisioning.image.TinyImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.libvirt.Connect;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The libvirt driver against a real libvirtd with QEMU software emulation, booting the tiny image.
 * At most one VM runs at a time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LibvirtDriverIntegrationTest {

    private LibvirtTestHost host;
    private LibvirtDriver driver;
    private ImageVersion v1;
    private final ConsoleProbe probe = new ConsoleProbe(Duration.ofSeconds(5));

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
    void aDesktopIsClonedBootsShowsItsConsoleSuspendsStopsRefreshesAndIsDeleted() throws Exception {
        String id = host.desktopId("life");
        ManagedDesktop cloned = driver.cloneDesktop(new CloneRequest(host.tag("life"), null, v1, HardwareProfile.TINY));
        assertThat(cloned.powerState()).isEqualTo(PowerState.STOPPED);
        assertThat(cloned.vmName()).isEqualTo("dp-" + id);
        assertThat(cloned.imageVersion()).isEqualTo("1");

        long startedAt = System.nanoTime();
        driver.start(id);
        ConsoleEndpoint console = driver.console(id);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> probe.probe(console) != null);
        double secondsToVnc = (System.nanoTime() - startedAt) / 1e9;
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> serialLogContains(id, TinyImage.BANNER));
        double secondsToBanner = (System.nanoTime() - startedAt) / 1e9;
        System.out.printf("MEASURED boot: VNC answered after %.1f s, guest banner after %.1f s%n",
                secondsToVnc, secondsToBanner);

        ConsoleProbe.Result answer = probe.probe(console);
        assertThat(answer.protocolVersion()).startsWith("3.");
        assertThat(answer.desktopName()).contains("dp-" + id);
        assertThat(console.password()).hasSize(8);
        assertThat(console.simulated()).isFalse();
        assertThatThrownBy(() -> probe.probe(console.host(), console.port(), "wrongpw1"))
                .isInstanceOfSatisfying(ConsoleProbeException.class,
                        e -> assertThat(e.failure()).isEqualTo(ConsoleProbeException.Failure.AUTH_FAILED));

        driver.suspend(id);
        assertThat(driver.powerState(id)).isEqualTo(PowerState.SAVED);
        assertThatThrownBy(() -> driver.console(id)).isInstanceOfSatisfying(DriverException.class,
                e -> assertThat(e.reason()).isEqualTo(DriverFailureReason.INVALID_STATE));
        driver.resume(id);
        assertThat(driver.powerState(id)).isEqualTo(PowerState.RUNNING);
        assertThat(probe.answers(driver.console(id))).isTrue();

        assertThat(driver.shutdown(id, Duration.ofSeconds(30))).as("guest powered off on ACPI request").isTrue();
        assertThat(driver.powerState(id)).isEqualTo(PowerState.STOPPED);

        Path overlay = host.overlay(id);
        long cleanSize = Files.size(overlay);
        run("qemu-io", "-f", "qcow2", "-c", "write -P 0xab 0 4M", overlay.toString());
        assertThat(Files.size(overlay)).isGreaterThan(cleanSize + 4 * 1024 * 1024 - 1);

        ManagedDesktop refreshed = driver.refresh(id, host.image.toImageVersion("tiny", "2"), HardwareProfile.TINY);
        assertThat(refreshed.imageVersion()).isEqualTo("2");
        assertThat(refreshed.tag()).isEqualTo(host.tag("life"));
        assertThat(refreshed.powerState()).isEqualTo(PowerState.STOPPED);
        assertThat(Files.size(overlay)).as("user writes are gone").isLessThan(cleanSize + 1024 * 1024);
        driver.start(id);
        ConsoleEndpoint afterRefresh = driver.console(id);
        assertThat(afterRefresh.password()).as("console password survives a refresh").isEqualTo(console.password());
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> probe.probe(afterRefresh) != null);
        driver.powerOff(id);
        assertThat(driver.powerState(id)).isEqualTo(PowerState.STOPPED);

        driver.delete(id);
        assertThat(driver.listDesktops()).noneMatch(d -> d.desktopId().equals(id));
        assertThat(overlay).doesNotExist();
        assertThatThrownBy(() -> driver.powerState(id)).isInstanceOf(DesktopNotFoundException.class);
        driver.delete(id);
    }

    @Test
    void cloningTwiceReturnsTheSameDesktopAndAnotherPoolsTagIsRefused() {
        CloneRequest request = new CloneRequest(host.tag("twice"), "local-test", v1, HardwareProfile.TINY);

        ManagedDesktop first = driver.cloneDesktop(request);
        ManagedDesktop second = driver.cloneDesktop(request);

        assertThat(second).isEqualTo(first);
        assertThat(driver.listDesktops()).filteredOn(d -> d.desktopId().equals(request.desktopId())).hasSize(1);
        DesktopTag otherPool = new DesktopTag("tenant-it", "other-pool", request.desktopId());
        assertThatThrownBy(() -> driver.cloneDesktop(new CloneRequest(otherPool, null, v1, HardwareProfile.TINY)))
                .isInstanceOfSatisfying(DriverException.class,
                        e -> assertThat(e.reason()).isEqualTo(DriverFailureReason.NAME_CONFLICT));
    }

    @Test
    void deletingAMissingDesktopSucceedsAndAskingForItIsDesktopNotFound() {
        String id = host.desktopId("never");

        driver.delete(id);

        assertThatThrownBy(() -> driver.start(id)).isInstanceOfSatisfying(DesktopNotFoundException.class,
                e -> assertThat(e.desktopId()).isEqualTo(id));
    }

    @Test
    void listingFindsEveryTaggedDesktopAndIgnoresForeignDomains() throws Exception {
        driver.cloneDesktop(new CloneRequest(host.tag("a"), null, v1, HardwareProfile.TINY));
        driver.cloneDesktop(new CloneRequest(new DesktopTag("tenant-2", "pool-2", host.desktopId("b")), null, v1,
                HardwareProfile.TINY));
        String foreign = "dp-" + host.desktopId("foreign");
        Connect c = new Connect(LibvirtTestHost.URI, false);
        try {
            c.domainDefineXML("<domain type='qemu'><name>" + foreign + "</name><memory unit='MiB'>64</memory>"
                    + "<os><type arch='x86_64'>hvm</type></os></domain>");
        } finally {
            c.close();
        }

        List<ManagedDesktop> ours = driver.listDesktops().stream()
                .filter(d -> d.desktopId().startsWith(host.runPrefix)).toList();

        assertThat(ours).extracting(ManagedDesktop::tag).containsExactlyInAnyOrder(host.tag("a"),
                new DesktopTag("tenant-2", "pool-2", host.desktopId("b")));
        assertThat(ours).extracting(ManagedDesktop::vmName).doesNotContain(foreign);
    }

    @Test
    void clonesAreLinkedClonesOfTheGoldenDiskAndFast() throws Exception {
        int count = 20;
        List<String> ids = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            ManagedDesktop d = driver.cloneDesktop(new CloneRequest(host.tag("fast" + i), null, v1, HardwareProfile.TINY));
            ids.add(d.desktopId());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("MEASURED clone+define: %d desktops in %.2f s = %.1f per second%n", count, seconds,
                count / seconds);

        assertThat(driver.listDesktops()).extracting(ManagedDesktop::desktopId).containsAll(ids);
        String info = run("qemu-img", "info", host.overlay(ids.getFirst()).toString());
        assertThat(info).contains("backing file: " + host.image.goldenDisk());
        assertThat(Files.size(host.overlay(ids.getFirst()))).isLessThan(1024 * 1024);
    }

    @Test
    void aMissingGoldenDiskIsImageUnavailable() {
        ImageVersion missing = ImageVersion.diskBoot("ghost", "1", "/nonexistent/golden.qcow2");

        assertThatThrownBy(() -> driver.cloneDesktop(new CloneRequest(host.tag("ghost"), null, missing,
                HardwareProfile.TINY))).isInstanceOfSatisfying(DriverException.class,
                e -> assertThat(e.reason()).isEqualTo(DriverFailureReason.IMAGE_UNAVAILABLE));
        assertThat(driver.listDesktops()).noneMatch(d -> d.desktopId().equals(host.desktopId("ghost")));
    }

    @Test
    void anUnreachableHostIsReportedAsHostUnavailable() {
        try (HypervisorDriver down = HypervisorDriverRegistry.discover().create("libvirt", new DriverConfig("rack-9",
                Map.of("uri", "qemu+tcp://127.0.0.1:1/system")))) {
            assertThatThrownBy(down::hosts).isInstanceOfSatisfying(HostUnavailableException.class, e -> {
                assertThat(e.hostId()).isEqualTo("rack-9");
                assertThat(e.reason()).isEqualTo(DriverFailureReason.HOST_UNAVAILABLE);
                assertThat(e.retryable()).isTrue();
            });
            assertThatThrownBy(() -> down.cloneDesktop(new CloneRequest(host.tag("x"), null, v1, HardwareProfile.TINY)))
                    .isInstanceOf(HostUnavailableException.class);
        }
    }

    @Test
    void theHostInventoryReportsCapacityAndOurDesktops() {
        driver.cloneDesktop(new CloneRequest(host.tag("inv"), null, v1, HardwareProfile.TINY));

        var inventory = driver.hosts();

        assertThat(inventory).singleElement().satisfies(h -> {
            assertThat(h.hostId()).isEqualTo("local-test");
            assertThat(h.cpuTotal()).isPositive();
            assertThat(h.memoryTotalMiB()).isGreaterThan(h.memoryUsedMiB()).isPositive();
            assertThat(h.storageTotalMiB()).isPositive();
            assertThat(h.desktops()).isPositive();
        });
    }

    private boolean serialLogContains(String desktopId, String text) throws Exception {
        Path log = host.serialLog(desktopId);
        return Files.exists(log) && Files.readString(log).contains(text);
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
        return output;
    }
}
