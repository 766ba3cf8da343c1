package io.deskport.provisioning.simulated;

import io.deskport.provisioning.console.ConsoleProbe;
import io.deskport.provisioning.driver.CloneRequest;
import io.deskport.provisioning.driver.ConsoleEndpoint;
import io.deskport.provisioning.driver.DesktopTag;
import io.deskport.provisioning.driver.DriverConfig;
import io.deskport.provisioning.driver.HardwareProfile;
import io.deskport.provisioning.driver.ImageVersion;
import io.deskport.provisioning.driver.PowerState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The simulated driver with real screens ({@code consoles=xvnc}): every running simulated desktop is an Xvnc
 * display of its own on this machine, with an account and home of its own. Needs Xvnc, openbox and xterm
 * (installed by dev/prerequisites.sh) and root (to create the accounts; dev/test runs as root).
 */
class SimulatedDriverXvncConsolesTest {

    private static final ImageVersion IMAGE = ImageVersion.diskBoot("demo", "1", "/sim/demo.simulated");
    private static final HardwareProfile HW = new HardwareProfile(1, 256, 64, "vga");

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ALWAYS)
    Path dir;
    private final List<SimulatedDriver> drivers = new ArrayList<>();
    private final List<String> created = new ArrayList<>();

    @AfterEach
    void closeDrivers() {
        // deleting removes the accounts the desktops were given
        if (!drivers.isEmpty()) {
            SimulatedDriver last = drivers.getLast();
            created.forEach(last::delete);
        }
        drivers.forEach(SimulatedDriver::close);
    }

    private SimulatedDriver driver() throws IOException {
        Path state = dir.resolve("state");
        Files.createDirectories(state);
        // the desktops' accounts reach their own files below the state directory
        for (Path p = state; p != null && p.startsWith(dir); p = p.getParent()) {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        }
        SimulatedDriver d = new SimulatedDriver(SimulatedDriverConfig.from(new DriverConfig("xvnc-test", Map.of(
                "hosts", "1", "hostIdPrefix", "xvt-", "consoles", "xvnc", "stateDir", state.toString(),
                "displays", "180-189", "geometry", "640x480", "accountPrefix", "dpt-",
                "desktopCommand", "sleep 600"))));
        drivers.add(d);
        return d;
    }

    private String cloneAndStart(SimulatedDriver sim) {
        String id = UUID.randomUUID().toString();
        sim.cloneDesktop(new CloneRequest(new DesktopTag("t1", "p1", id), null, IMAGE, HW));
        created.add(id);
        sim.start(id);
        return id;
    }

    @Test
    void aRunningDesktopIsAnXvncDisplayThatAnswersWithItsPasswordAndRunsAsAnUnprivilegedAccount() throws Exception {
        SimulatedDriver sim = driver();
        String id = cloneAndStart(sim);

        ConsoleEndpoint console = sim.console(id);
        assertThat(console.host()).isEqualTo("127.0.0.1");
        assertThat(console.port()).isBetween(5900 + 180, 5900 + 189);
        // the RFB handshake and VNC authentication with the desktop's password succeed
        new ConsoleProbe(Duration.ofSeconds(5)).probe(console);

        ProcessHandle xvnc = listener(console.port());
        int uid = (Integer) Files.getAttribute(Path.of("/proc/" + xvnc.pid()), "unix:uid");
        assertThat(uid).as("the desktop's X server runs as its own account, not as root").isNotZero();
        Path home = sim.home(id).orElseThrow();
        assertThat((Integer) Files.getAttribute(home, "unix:uid")).isEqualTo(uid);
    }

    @Test
    void aPowerOffKeepsTheHomeARefreshThrowsItAwayAndTwoDesktopsNeverShareOne() throws Exception {
        SimulatedDriver sim = driver();
        String first = cloneAndStart(sim);
        String second = cloneAndStart(sim);
        Path home = sim.home(first).orElseThrow();
        assertThat(sim.home(second).orElseThrow()).isNotEqualTo(home);
        Files.writeString(home.resolve("notes.txt"), "kept");

        sim.shutdown(first, Duration.ofSeconds(5));
        assertThat(sim.powerState(first)).isEqualTo(PowerState.STOPPED);
        sim.start(first);
        assertThat(home.resolve("notes.txt")).as("a powered-off desktop keeps its home").hasContent("kept");
        assertThat(sim.home(second).orElseThrow().resolve("notes.txt")).doesNotExist();

        sim.refresh(first, IMAGE, HW);
        sim.start(first);
        assertThat(sim.home(first).orElseThrow().resolve("notes.txt")).as("a refresh starts from a fresh home")
                .doesNotExist();
    }

    @Test
    void aRestartedDriverFindsItsDesktopsPoweredOffWithTheirHomes() throws Exception {
        SimulatedDriver sim = driver();
        String id = cloneAndStart(sim);
        Path home = sim.home(id).orElseThrow();
        Files.writeString(home.resolve("notes.txt"), "kept");
        int port = sim.console(id).port();
        ProcessHandle xvnc = listener(port);

        sim.close();
        await("the display ended with its driver").atMost(Duration.ofSeconds(15)).until(() -> !xvnc.isAlive());

        SimulatedDriver again = driver();
        assertThat(again.listDesktops()).singleElement().satisfies(d -> {
            assertThat(d.desktopId()).isEqualTo(id);
            assertThat(d.powerState()).isEqualTo(PowerState.STOPPED);
        });
        again.start(id);
        new ConsoleProbe(Duration.ofSeconds(5)).probe(again.console(id));
        assertThat(again.home(id).orElseThrow().resolve("notes.txt")).hasContent("kept");
    }

    @Test
    void aDisplayThatDiesIsReportedPoweredOff() throws Exception {
        SimulatedDriver sim = driver();
        String id = cloneAndStart(sim);
        listener(sim.console(id).port()).destroyForcibly();

        await("the driver sees the desktop powered off").atMost(Duration.ofSeconds(15))
                .until(() -> sim.powerState(id) == PowerState.STOPPED);
    }

    /** The process listening on a local TCP port (from /proc/net/tcp and the processes' sockets). */
    private static ProcessHandle listener(int port) throws IOException {
        String hexPort = String.format(":%04X", port);
        String inode = null;
        for (String line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
                inode = f[9];
            }
        }
        assertThat(inode).as("a listener on port " + port).isNotNull();
        String socket = "socket:[" + inode + "]";
        return ProcessHandle.allProcesses().filter(p -> {
            try (var fds = Files.list(Path.of("/proc/" + p.pid() + "/fd"))) {
                return fds.anyMatch(fd -> {
                    try {
                        return Files.readSymbolicLink(fd).toString().equals(socket);
                    } catch (IOException e) {
                        return false;
                    }
                });
            } catch (IOException | SecurityException e) {
                return false;
            }
        }).findFirst().orElseThrow();
    }
}
