package io.deskport.provisioning.libvirt;

import io.deskport.provisioning.driver.DriverConfig;
import io.deskport.provisioning.driver.ManagedDesktop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A second libvirtd on this machine (scripts/libvirt-peer.sh: its own mount namespace, sockets and host UUID) that
 * the migration tests move desktops to and from, with a libvirt driver for it and one for the default daemon, both
 * set up to migrate to each other. The disks and images are at the same paths for both daemons: shared storage.
 * {@link #close()} deletes this run's desktops on the peer and stops it.
 */
final class LibvirtPeerHost implements AutoCloseable {

    /** The default daemon as the peer daemon reaches it ({@code qemu:///system} inside a daemon is itself). */
    static final String DEFAULT_DAEMON_PEER_URI = "qemu+unix:///system?socket=/run/libvirt/libvirt-sock";

    final LibvirtTestHost home;
    final Path directory;
    final String uri;
    /** The default daemon's driver (host {@code local-test}), allowed to migrate from local storage. */
    final LibvirtDriver homeDriver;
    /** The peer daemon's driver (host {@code peer-test}). */
    final LibvirtDriver peerDriver;

    LibvirtPeerHost(LibvirtTestHost home) throws IOException, InterruptedException {
        this.home = home;
        this.directory = Path.of("/run/deskport-libvirt-peer-" + home.runPrefix);
        this.uri = script("start").lines().reduce((first, last) -> last).orElseThrow().trim();
        this.homeDriver = driver("local-test", LibvirtTestHost.URI, DEFAULT_DAEMON_PEER_URI);
        this.peerDriver = driver("peer-test", uri, uri);
    }

    private static LibvirtDriver driver(String hostId, String uri, String peerUri) {
        return new LibvirtDriver(LibvirtDriverConfig.from(new DriverConfig(hostId, Map.of(
                "uri", uri, "storagePool", LibvirtTestHost.POOL,
                "storagePoolPath", LibvirtTestHost.POOL_PATH.toString(),
                "serialLogDirectory", LibvirtTestHost.SERIAL_LOGS.toString(), "statePollInterval", "100ms",
                "migrationPeerUri", peerUri, "migrationDataAddress", "tcp://127.0.0.1", "migrationUnsafe", "true"))));
    }

    /** Deletes this run's desktops on the peer (with their disks), then stops the peer and removes its directory. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            for (ManagedDesktop d : peerDriver.listDesktops()) {
                if (d.desktopId().startsWith(home.runPrefix)) {
                    peerDriver.delete(d.desktopId());
                }
            }
        } finally {
            peerDriver.close();
            homeDriver.close();
            script("stop");
        }
    }

    private String script(String action) throws IOException, InterruptedException {
        Path script = Path.of("scripts/libvirt-peer.sh").toAbsolutePath();
        Process p = new ProcessBuilder(List.of("bash", script.toString(), action, directory.toString()))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(script + " " + action + " failed: " + output);
        }
        return output;
    }
}
