package io.deskport.provisioning.libvirt;

import io.deskport.provisioning.driver.DriverConfig;
import io.deskport.provisioning.driver.DriverException;
import io.deskport.provisioning.driver.DriverFailureReason;

import java.time.Duration;

/**
 * Settings of one {@code libvirt} driver instance, which manages one libvirt host (keys in brackets,
 * defaults after the colon).
 *
 * @param uri                 [{@code uri}: {@code qemu:///system}] libvirt connection URI, local or
 *                            remote ({@code qemu+ssh://host/system}, {@code qemu+tcp://host/system})
 * @param hostId              [{@code hostId}: the driver instance id] the host's id in the broker
 * @param domainType          [{@code domainType}: {@code qemu}] {@code qemu} (software emulation) or {@code kvm}
 * @param machine             [{@code machine}: {@code pc}] QEMU machine type
 * @param storagePool         [{@code storagePool}: {@code deskport}] storage pool of the desktop disks;
 *                            created as a directory pool if missing
 * @param storagePoolPath     [{@code storagePoolPath}: {@code /var/lib/libvirt/images/deskport}] directory
 *                            of that pool when it has to be created
 * @param vncListen           [{@code vncListen}: {@code 127.0.0.1}] address QEMU's VNC server listens on
 * @param consoleHost         [{@code consoleHost}: vncListen, or the host name when listening on all
 *                            addresses] address the gateway connects to
 * @param network             [{@code network}: none] libvirt network to attach a virtio NIC to
 * @param serialLogDirectory  [{@code serialLogDirectory}: none] if set, each desktop's serial console
 *                            is written to {@code <dir>/dp-<id>.serial.log}
 * @param statePollInterval   [{@code statePollInterval}: 200ms] how often shutdown polls the power state
 * @param migrationPeerUri    [{@code migrationPeerUri}: uri] this host's libvirt URI as the <em>other</em> hosts'
 *                            daemons reach it when they migrate desktops here (peer-to-peer migration)
 * @param migrationDataAddress [{@code migrationDataAddress}: none] where other hosts send a migrating desktop's
 *                            memory ({@code tcp://10.0.0.2}); none: libvirt uses this host's name
 * @param migrationUnsafe     [{@code migrationUnsafe}: false] migrate desktops away from this host even though libvirt
 *                            does not recognise their storage as shared (disks on one machine's local file system
 *                            seen by two daemons; never across machines without really shared storage)
 */
public record LibvirtDriverConfig(String uri, String hostId, String domainType, String machine, String storagePool,
                                  String storagePoolPath, String vncListen, String consoleHost, String network,
                                  String serialLogDirectory, Duration statePollInterval, String migrationPeerUri,
                                  String migrationDataAddress, boolean migrationUnsafe) {

    public LibvirtDriverConfig {
        if (!domainType.equals("qemu") && !domainType.equals("kvm")) {
            throw new DriverException(DriverFailureReason.CONFIGURATION,
                    "domainType must be qemu or kvm, not " + domainType);
        }
        if (statePollInterval.isNegative() || statePollInterval.isZero()) {
            throw new DriverException(DriverFailureReason.CONFIGURATION, "statePollInterval must be positive");
        }
    }

    /** Reads the settings of a driver instance. */
    public static LibvirtDriverConfig from(DriverConfig c) {
        String listen = c.get("vncListen", "127.0.0.1");
        String defaultConsoleHost = listen.equals("0.0.0.0") || listen.equals("::") ? localHostName() : listen;
        return new LibvirtDriverConfig(
                c.get("uri", "qemu:///system"),
                c.get("hostId", c.instanceId()),
                c.get("domainType", "qemu"),
                c.get("machine", "pc"),
                c.get("storagePool", "deskport"),
                c.get("storagePoolPath", "/var/lib/libvirt/images/deskport"),
                listen,
                c.get("consoleHost", defaultConsoleHost),
                c.get("network").orElse(null),
                c.get("serialLogDirectory").orElse(null),
                c.getDuration("statePollInterval", Duration.ofMillis(200)),
                c.get("migrationPeerUri", c.get("uri", "qemu:///system")),
                c.get("migrationDataAddress").orElse(null),
                Boolean.parseBoolean(c.get("migrationUnsafe", "false")));
    }

    /** True if the URI names no remote host, so image files can be checked on this machine. */
    public boolean isLocal() {
        int scheme = uri.indexOf("://");
        return scheme > 0 && !uri.substring(0, scheme).contains("+") && uri.charAt(scheme + 3) == '/';
    }

    private static String localHostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }
}
