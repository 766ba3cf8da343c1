package io.deskport.provisioning.libvirt;

import io.deskport.provisioning.console.ConsoleProbe;
import io.deskport.provisioning.driver.CloneRequest;
import io.deskport.provisioning.driver.ConsoleEndpoint;
import io.deskport.provisioning.driver.DesktopMigration;
import io.deskport.provisioning.driver.DesktopSnapshot;
import io.deskport.provisioning.driver.DesktopNotFoundException;
import io.deskport.provisioning.driver.DriverException;
import io.deskport.provisioning.driver.DriverFailureReason;
import io.deskport.provisioning.driver.HardwareProfile;
import io.deskport.provisioning.driver.ImageVersion;
import io.deskport.provisioning.driver.ManagedDesktop;
import io.deskport.provisioning.driver.PowerState;
import io.deskport.provisioning.image.TinyImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Live migration of libvirt desktops between two real libvirt daemons on this machine: the default one
 * (qemu:///system, host {@code local-test}) and a second one the test starts in its own mount namespace (host
 * {@code peer-test}, see scripts/libvirt-peer.sh), QEMU in software emulation, the tiny image. At most one VM runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LibvirtMigrationIntegrationTest {

    private LibvirtTestHost host;
    private LibvirtPeerHost peer;
    private LibvirtDriver home;
    private LibvirtDriver away;
    private ImageVersion v1;
    private final ConsoleProbe probe = new ConsoleProbe(Duration.ofSeconds(5));

    @BeforeAll
    void startBothDaemons() throws Exception {
        host = new LibvirtTestHost();
        peer = new LibvirtPeerHost(host);
        home = peer.homeDriver;
        away = peer.peerDriver;
        v1 = host.image.toImageVersion("tiny", "1");
    }

    @AfterEach
    void removeEverythingThisRunCreated() throws Exception {
        for (ManagedDesktop d : away.listDesktops()) {
            if (d.desktopId().startsWith(host.runPrefix)) {
                away.delete(d.desktopId());
            }
        }
        host.cleanUp();
    }

    @AfterAll
    void stopThePeer() throws Exception {
        if (peer != null) {
            peer.close();
        }
        if (host != null) {
            host.driver.close();
        }
    }

    @Test
    void bothDriversOfferLiveMigrationAndNameThemselvesAsTargets() {
        assertThat(home.capabilities().liveMigration()).isTrue();
        assertThat(away.migrationTarget("peer-test").peerUri()).isEqualTo(peer.uri);
        assertThatThrownBy(() -> away.migrationTarget("local-test")).isInstanceOfSatisfying(DriverException.class,
                e -> assertThat(e.reason()).isEqualTo(DriverFailureReason.CONFIGURATION));
    }

    @Test
    void aRunningDesktopMovesLiveAndItsConsoleAnswersOnTheNewHost() throws Exception {
        String id = bootedDesktop("live");
        ConsoleEndpoint before = home.console(id);

        DesktopMigration moved = home.migrate(id, away.migrationTarget("peer-test"));

        assertThat(moved.live()).isTrue();
        assertThat(moved.alreadyThere()).isFalse();
        assertThat(moved.sourceHostId()).isEqualTo("local-test");
        assertThat(moved.targetHostId()).isEqualTo("peer-test");
        assertThat(moved.downtime()).as("libvirt reports the switch-over's pause").isNotNull()
                .isLessThan(moved.elapsed());
        assertThat(moved.transferredMiB()).as("the guest's memory was sent").isPositive();
        assertThat(home.listDesktops()).extracting(ManagedDesktop::desktopId).doesNotContain(id);
        assertThat(away.listDesktops()).filteredOn(d -> d.desktopId().equals(id)).singleElement()
                .satisfies(d -> {
                    assertThat(d.hostId()).isEqualTo("peer-test");
                    assertThat(d.tag()).isEqualTo(host.tag("live"));
                    assertThat(d.powerState()).isEqualTo(PowerState.RUNNING);
                });
        ConsoleEndpoint after = away.console(id);
        assertThat(after.port()).as("the peer's VNC ports").isBetween(6900, 6999);
        assertThat(after.password()).as("the console password moves with the desktop").isEqualTo(before.password());
        assertThat(probe.probe(after).width()).as("the console answers with the guest's screen").isPositive();
        assertThat(away.shutdown(id, Duration.ofSeconds(60)))
                .as("the guest runs on after the move: it shuts itself down when asked by ACPI").isTrue();
    }

    @Test
    void aDesktopMigratesBackToTheDefaultDaemon() throws Exception {
        String id = bootedDesktop("roundtrip");
        home.migrate(id, away.migrationTarget("peer-test"));

        DesktopMigration back = away.migrate(id, home.migrationTarget("local-test"));

        assertThat(back.live()).isTrue();
        assertThat(home.powerState(id)).isEqualTo(PowerState.RUNNING);
        assertThat(probe.answers(home.console(id))).isTrue();
        assertThatThrownBy(() -> away.powerState(id)).isInstanceOf(DesktopNotFoundException.class);
    }

    @Test
    void aStoppedDesktopMovesColdAndStartsOnTheNewHost() throws Exception {
        String id = clone("cold");

        DesktopMigration moved = home.migrate(id, away.migrationTarget("peer-test"));

        assertThat(moved.live()).isFalse();
        assertThat(moved.downtime()).isNull();
        assertThat(away.powerState(id)).isEqualTo(PowerState.STOPPED);
        assertThatThrownBy(() -> home.powerState(id)).isInstanceOf(DesktopNotFoundException.class);
        away.start(id);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> probe.probe(away.console(id)) != null);
    }

    @Test
    void migratingADesktopThatIsAlreadyThereMovesNothing() {
        String id = clone("retry");
        home.migrate(id, away.migrationTarget("peer-test"));

        DesktopMigration again = home.migrate(id, away.migrationTarget("peer-test"));

        assertThat(again.alreadyThere()).isTrue();
        assertThat(away.powerState(id)).isEqualTo(PowerState.STOPPED);
    }

    @Test
    void aDesktopOnNeitherHostIsNotFound() {
        assertThatThrownBy(() -> home.migrate(host.desktopId("nowhere"), away.migrationTarget("peer-test")))
                .isInstanceOf(DesktopNotFoundException.class);
    }

    @Test
    void aStoppedDesktopTakesItsSnapshotsAlongAndCanBeRestoredOnTheNewHost() throws Exception {
        String id = clone("snapcold");
        home.createSnapshot(id, "s1");
        Thread.sleep(1100); // libvirt records creation times in whole seconds
        home.createSnapshot(id, "s2");

        home.migrate(id, away.migrationTarget("peer-test"));

        assertThat(away.listSnapshots(id)).extracting(DesktopSnapshot::snapshotId).containsExactly("s1", "s2");
        away.restoreSnapshot(id, "s1");
        assertThat(away.powerState(id)).isEqualTo(PowerState.STOPPED);
    }

    @Test
    void aRunningDesktopWithASnapshotOfItsMemoryMigratesLiveWithIt() {
        String id = bootedDesktop("snaplive");
        String password = home.console(id).password();
        home.createSnapshot(id, "live");

        DesktopMigration moved = home.migrate(id, away.migrationTarget("peer-test"));

        assertThat(moved.live()).isTrue();
        assertThat(away.listSnapshots(id)).singleElement().satisfies(s -> {
            assertThat(s.snapshotId()).isEqualTo("live");
            assertThat(s.withMemory()).isTrue();
        });
        assertThat(away.console(id).password()).isEqualTo(password);
        away.restoreSnapshot(id, "live");
        assertThat(away.powerState(id)).isEqualTo(PowerState.STOPPED);
        away.start(id);
        assertThat(away.console(id).password()).as("the restored definition keeps the console password")
                .isEqualTo(password);
    }

    private String clone(String name) {
        home.cloneDesktop(new CloneRequest(host.tag(name), null, v1, HardwareProfile.TINY));
        return host.desktopId(name);
    }

    private String bootedDesktop(String name) {
        String id = clone(name);
        home.start(id);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> serialLogContains(id, TinyImage.BANNER));
        return id;
    }

    private boolean serialLogContains(String desktopId, String text) throws Exception {
        Path log = host.serialLog(desktopId);
        return Files.exists(log) && Files.readString(log).contains(text);
    }
}
