package io.deskport.bench.migration;

import io.deskport.provisioning.console.ConsoleProbe;
import io.deskport.provisioning.console.ConsoleProbeException;
import io.deskport.provisioning.driver.ConsoleEndpoint;
import io.deskport.provisioning.driver.CloneRequest;
import io.deskport.provisioning.driver.DesktopMigration;
import io.deskport.provisioning.driver.DesktopNotFoundException;
import io.deskport.provisioning.driver.DesktopTag;
import io.deskport.provisioning.driver.DriverConfig;
import io.deskport.provisioning.driver.HardwareProfile;
import io.deskport.provisioning.driver.ImageVersion;
import io.deskport.provisioning.driver.PowerState;
import io.deskport.provisioning.image.TinyImage;
import io.deskport.provisioning.image.TinyImageBuilder;
import io.deskport.provisioning.libvirt.LibvirtDriver;
import io.deskport.provisioning.libvirt.LibvirtDriverConfig;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real half of bench/migration: a second libvirtd on this machine (provisioning/scripts/libvirt-peer.sh), one
 * tiny TCG desktop booted on the default daemon and live-migrated to the second one through the libvirt driver.
 * Measures libvirt's reported downtime, and how long the console was away: from the start of the switch-over until
 * the desktop runs on its new host and its VNC console answers an RFB handshake with its password there (watched by
 * a thread of its own during the migration: libvirt's migrate call returns well after the guest runs on the target,
 * about 1.5 s here, as it confirms and cleans up the source). The start of the switch-over
 * is the first moment a watcher polling the source (about every millisecond) sees the domain paused; when it never
 * catches the pause, the last moment it saw the domain running (the pause began after it, so the figure is then an
 * upper bound).
 */
final class LibvirtLiveMigrationBench {

    private static final String HOME_PEER_URI = "qemu+unix:///system?socket=/run/libvirt/libvirt-sock";
    private static final Path SERIAL_LOGS = Path.of("/var/log/deskport-test");

    record Result(long downtimeMillis, long consoleBackMillis, long elapsedMillis, boolean pauseSeen) {
    }

    Result run() throws Exception {
        String run = "bench" + UUID.randomUUID().toString().substring(0, 6);
        Path peerDir = Path.of("/run/deskport-libvirt-peer-" + run);
        TinyImage tiny = new TinyImageBuilder(TinyImageBuilder.DEFAULT_CACHE).build();
        ImageVersion image = tiny.toImageVersion("tiny", "1");
        Files.createDirectories(SERIAL_LOGS);
        Files.setPosixFilePermissions(SERIAL_LOGS, PosixFilePermissions.fromString("rwxr-xr-x"));
        String peerUri = script("start", peerDir).lines().reduce((a, b) -> b).orElseThrow().trim();
        String id = run + "-live";
        // the watcher has a connection of its own: calls on the connection that runs the migration wait for it
        try (LibvirtDriver home = driver("bench-home", "qemu:///system", HOME_PEER_URI);
             LibvirtDriver watching = driver("bench-home", "qemu:///system", HOME_PEER_URI);
             LibvirtDriver peer = driver("bench-peer", peerUri, peerUri);
             LibvirtDriver peerWatching = driver("bench-peer", peerUri, peerUri)) {
            try {
                home.cloneDesktop(new CloneRequest(new DesktopTag("bench", "bench", id), null, image,
                        HardwareProfile.TINY));
                home.start(id);
                Path serial = SERIAL_LOGS.resolve(DesktopTag.vmName(id) + ".serial.log");
                long bootDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (!(Files.exists(serial) && Files.readString(serial).contains(TinyImage.BANNER))) {
                    if (System.nanoTime() > bootDeadline) {
                        throw new IllegalStateException("the tiny desktop did not boot within 120 s");
                    }
                    Thread.sleep(100);
                }
                String password = home.console(id).password();

                AtomicLong pausedAt = new AtomicLong();
                AtomicLong lastRunningAt = new AtomicLong();
                AtomicLong goneAt = new AtomicLong();
                AtomicLong polls = new AtomicLong();
                AtomicLong longestGapNanos = new AtomicLong();
                AtomicLong runningThereAt = new AtomicLong();
                AtomicLong answeredAt = new AtomicLong();
                Thread sourceWatcher = Thread.ofPlatform().daemon().start(
                        () -> watch(watching, id, pausedAt, lastRunningAt, goneAt, polls, longestGapNanos));
                Thread targetWatcher = Thread.ofPlatform().daemon().start(
                        () -> awaitConsole(peerWatching, id, password, runningThereAt, answeredAt));
                DesktopMigration moved = home.migrate(id, peer.migrationTarget("bench-peer"));
                long returnedAt = System.nanoTime();
                sourceWatcher.join(10_000);
                targetWatcher.join(30_000);
                if (answeredAt.get() == 0) {
                    throw new IllegalStateException("the console did not answer on the new host");
                }
                boolean pauseSeen = pausedAt.get() != 0;
                long switchOver = pauseSeen ? pausedAt.get() : lastRunningAt.get();
                if (switchOver == 0) {
                    throw new IllegalStateException("the watcher never saw the desktop on the source");
                }
                long consoleBack = TimeUnit.NANOSECONDS.toMillis(answeredAt.get() - switchOver);
                System.err.printf("libvirt: source polled %d times (longest gap %d ms); relative to the console "
                                + "answering on the new host: source last seen running %d ms before, paused %s, "
                                + "running on the new host %d ms before, source gone %d ms after, migrate() returned "
                                + "%d ms after%n", polls.get(), TimeUnit.NANOSECONDS.toMillis(longestGapNanos.get()),
                        ms(answeredAt.get() - lastRunningAt.get()),
                        pauseSeen ? ms(answeredAt.get() - pausedAt.get()) + " ms before" : "not seen",
                        ms(answeredAt.get() - runningThereAt.get()), ms(goneAt.get() - answeredAt.get()),
                        ms(returnedAt - answeredAt.get()));
                if (peer.powerState(id) != PowerState.RUNNING) {
                    throw new IllegalStateException("the desktop does not run on its new host");
                }
                long downtime = moved.downtime() == null ? -1 : moved.downtime().toMillis();
                System.err.printf("libvirt: live migration of a running 256 MiB TCG desktop in %d ms, %d MiB sent, "
                                + "libvirt downtime %d ms, console back %d ms after the switch-over (%s)%n",
                        moved.elapsed().toMillis(), moved.transferredMiB(), downtime, consoleBack,
                        pauseSeen ? "pause seen on the source" : "pause not caught: counted from the source last seen running");
                return new Result(downtime, consoleBack, moved.elapsed().toMillis(), pauseSeen);
            } finally {
                home.delete(id);
                peer.delete(id);
                Files.deleteIfExists(SERIAL_LOGS.resolve(DesktopTag.vmName(id) + ".serial.log"));
            }
        } finally {
            script("stop", peerDir);
        }
    }

    /**
     * Polls the target until the desktop runs there (not merely exists: the target's QEMU serves VNC already while it
     * waits paused for the memory) and its console answers an RFB handshake with the desktop's password.
     */
    private static void awaitConsole(LibvirtDriver peer, String id, String password, AtomicLong runningThereAt,
                                     AtomicLong answeredAt) {
        ConsoleProbe probe = new ConsoleProbe(Duration.ofSeconds(1));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            try {
                if (peer.powerState(id) == PowerState.RUNNING) {
                    runningThereAt.compareAndSet(0, System.nanoTime());
                    ConsoleEndpoint endpoint = peer.console(id);
                    if (!endpoint.password().equals(password)) {
                        throw new IllegalStateException("the console password changed in the migration");
                    }
                    probe.probe(endpoint);
                    answeredAt.set(System.nanoTime());
                    return;
                }
            } catch (IllegalStateException e) {
                throw e;
            } catch (RuntimeException | ConsoleProbeException notYet) {
                // not there yet
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** Polls the source until the desktop is gone from it, noting when it was last seen running and first paused. */
    private static void watch(LibvirtDriver home, String id, AtomicLong pausedAt, AtomicLong lastRunningAt,
                              AtomicLong goneAt, AtomicLong polls, AtomicLong longestGapNanos) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        long previous = System.nanoTime();
        while (System.nanoTime() < deadline) {
            try {
                PowerState state = home.powerState(id);
                long now = System.nanoTime();
                polls.incrementAndGet();
                longestGapNanos.accumulateAndGet(now - previous, Math::max);
                previous = now;
                if (state == PowerState.RUNNING) {
                    lastRunningAt.set(now);
                } else if (state == PowerState.PAUSED) {
                    pausedAt.compareAndSet(0, now);
                } else if (state == PowerState.STOPPED) {
                    goneAt.compareAndSet(0, now);
                    return;
                }
            } catch (DesktopNotFoundException gone) {
                goneAt.compareAndSet(0, System.nanoTime());
                return;
            } catch (RuntimeException transientError) {
                // the domain is being torn down; look again
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static LibvirtDriver driver(String hostId, String uri, String peerUri) {
        return new LibvirtDriver(LibvirtDriverConfig.from(new DriverConfig(hostId, Map.of(
                "uri", uri, "storagePool", "deskport-test", "storagePoolPath", "/var/lib/deskport-test-pool",
                "serialLogDirectory", SERIAL_LOGS.toString(), "migrationPeerUri", peerUri,
                "migrationDataAddress", "tcp://127.0.0.1", "migrationUnsafe", "true"))));
    }

    private static String script(String action, Path dir) throws Exception {
        Process p = new ProcessBuilder(List.of("bash", "provisioning/scripts/libvirt-peer.sh", action, dir.toString()))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("libvirt-peer.sh " + action + " failed: " + output);
        }
        return output;
    }
}
