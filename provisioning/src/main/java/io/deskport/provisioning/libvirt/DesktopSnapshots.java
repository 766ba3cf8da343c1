package io.deskport.provisioning.libvirt;

import io.deskport.provisioning.driver.DesktopNotFoundException;
import io.deskport.provisioning.driver.DesktopSnapshot;
import io.deskport.provisioning.driver.DesktopTag;
import io.deskport.provisioning.driver.DriverException;
import io.deskport.provisioning.driver.DriverFailureReason;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainSnapshot;
import org.libvirt.Error;
import org.libvirt.LibvirtException;
import org.libvirt.StorageVol;
import org.libvirt.jna.CString;
import org.libvirt.jna.DomainSnapshotPointer;
import org.libvirt.jna.Libvirt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.StringReader;
import java.lang.reflect.Field;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Snapshots of libvirt desktops as <b>internal qcow2 snapshots</b> of the desktop's overlay, made and restored by
 * libvirt ({@code virDomainSnapshotCreateXML}, {@code virDomainRevertToSnapshot}). Why internal: libvirt creates,
 * lists, reverts and deletes them on its own (with external overlays, deleting a snapshot in the middle of a chain
 * means merging files, which the libvirt of Debian 12 cannot do), the desktop keeps one disk file whose path never
 * changes, and deleting the desktop deletes its snapshots with the file. Their limits (see the README):
 * <ul>
 *   <li>a snapshot of a <i>running</i> desktop includes its memory (QEMU cannot take an internal disk-only snapshot
 *       of a running guest): the guest pauses while its memory is written, and the snapshot holds that much more;
 *       a restore still only brings back the disk (the desktop is left powered off);</li>
 *   <li>a desktop suspended to disk (managed save) cannot be snapshotted;</li>
 *   <li>the snapshots live in the desktop's own disk file, on the host's storage: they are no backup against
 *       losing that storage.</li>
 * </ul>
 *
 * <p>The size the broker charges a snapshot is the data the desktop had written since its clone when it was taken
 * (the overlay's allocation: what the snapshot keeps alive however the desktop changes afterwards), plus its memory
 * if it was running. It is written into the snapshot's description, so listing reads it back.
 */
final class DesktopSnapshots {

    private static final Logger log = LoggerFactory.getLogger(DesktopSnapshots.class);
    private static final int REVERT_PAUSED = 2;
    private static final String SIZE_PREFIX = "deskport size-mib=";

    private final LibvirtDriverConfig config;
    private final LibvirtConnection connection;

    DesktopSnapshots(LibvirtDriverConfig config, LibvirtConnection connection) {
        this.config = config;
        this.connection = connection;
    }

    DesktopSnapshot create(String desktopId, String snapshotId) {
        DesktopTag.requireSafeId(snapshotId, "snapshotId");
        return connection.call("snapshot desktop " + desktopId, c -> {
            Domain d = LibvirtDriver.lookup(c, desktopId);
            Optional<DomainSnapshot> existing = find(d, snapshotId);
            if (existing.isPresent()) {
                return view(desktopId, snapshotId, existing.get().getXMLDesc());
            }
            if (d.isActive() == 0 && d.hasManagedSaveImage() != 0) {
                throw new DriverException(DriverFailureReason.INVALID_STATE, "desktop " + desktopId
                        + " is suspended to disk and cannot be snapshotted; resume or power it off first");
            }
            boolean running = d.isActive() != 0;
            long written = writtenMiB(c, desktopId);
            long memory = running ? d.getInfo().maxMem / 1024 : 0;
            String xml = "<domainsnapshot><name>" + snapshotId + "</name><description>" + SIZE_PREFIX
                    + (written + memory) + "</description></domainsnapshot>";
            DomainSnapshot s = d.snapshotCreateXML(xml, 0);
            log.info("snapshot {} of desktop {} taken on host {} ({} MiB written{})", snapshotId, desktopId,
                    config.hostId(), written, running ? ", with " + memory + " MiB of memory" : "");
            return view(desktopId, snapshotId, s.getXMLDesc());
        });
    }

    List<DesktopSnapshot> list(String desktopId) {
        return connection.call("list snapshots of desktop " + desktopId, c -> {
            Domain d = LibvirtDriver.lookup(c, desktopId);
            List<DesktopSnapshot> result = new ArrayList<>();
            for (String name : d.snapshotListNames()) {
                try {
                    result.add(view(desktopId, name, d.snapshotLookupByName(name).getXMLDesc()));
                } catch (IllegalArgumentException notOurs) {
                    log.debug("snapshot {} of desktop {} is not one of Deskport's; left out", name, desktopId);
                }
            }
            result.sort(Comparator.comparing(DesktopSnapshot::createdAt).thenComparing(DesktopSnapshot::snapshotId));
            return result;
        });
    }

    void restore(String desktopId, String snapshotId) {
        connection.call("restore desktop " + desktopId + " to snapshot " + snapshotId, c -> {
            Domain d = LibvirtDriver.lookup(c, desktopId);
            DomainSnapshot s = find(d, snapshotId).orElseThrow(() -> new DriverException(
                    DriverFailureReason.INVALID_STATE, "desktop " + desktopId + " has no snapshot " + snapshotId));
            LibvirtDriver.destroyIfActive(d);
            if (d.hasManagedSaveImage() != 0) {
                d.managedSaveRemove();
            }
            String state = text(parse(s.getXMLDesc()), "state").orElse("shutoff");
            boolean withMemory = !state.equals("shutoff");
            // A snapshot with memory would come back running: it is brought back paused and stopped at once, so that
            // the guest writes nothing after the restored state. One without memory stays powered off.
            revert(s, withMemory ? REVERT_PAUSED : 0);
            LibvirtDriver.destroyIfActive(d);
            log.info("desktop {} restored to snapshot {} on host {}", desktopId, snapshotId, config.hostId());
            return null;
        });
    }

    void delete(String desktopId, String snapshotId) {
        connection.call("delete snapshot " + snapshotId + " of desktop " + desktopId, c -> {
            Domain d;
            try {
                d = LibvirtDriver.lookup(c, desktopId);
            } catch (DesktopNotFoundException gone) {
                return null;
            }
            Optional<DomainSnapshot> s = find(d, snapshotId);
            if (s.isPresent()) {
                s.get().delete(0);
                log.info("snapshot {} of desktop {} deleted on host {}", snapshotId, desktopId, config.hostId());
            }
            return null;
        });
    }

    /** Forgets every snapshot of a desktop whose disk is replaced (refresh): their data goes with the old file. */
    void forgetAll(Domain d) throws LibvirtException {
        for (String name : d.snapshotListNames()) {
            d.snapshotLookupByName(name).delete(2); // VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY
        }
    }

    /** A snapshot's record as libvirt keeps it (its data is in the disk file), set aside while its desktop migrates. */
    record SnapshotRecord(String name, String xml, boolean current) {
    }

    /**
     * Takes the records of a desktop's snapshots out of libvirt, parents first (metadata only: the snapshots stay in
     * the disk file). libvirt 9 refuses to migrate a domain that has snapshot records ("cannot migrate domain with N
     * snapshots"); the records are defined again on the target ({@link #redefine}), or back on the source if the
     * migration fails. The XML is read with its secrets (the VNC password of the domain copy inside it), which a
     * restore with memory brings back.
     */
    static List<SnapshotRecord> setAside(Domain d) throws LibvirtException {
        String[] names = d.snapshotListNames();
        if (names.length == 0) {
            return List.of();
        }
        String current = d.hasCurrentSnapshot() == 1
                ? text(parse(d.snapshotCurrent().getXMLDesc()), "name").map(String::trim).orElse(null) : null;
        List<SnapshotRecord> unordered = new ArrayList<>();
        java.util.Map<String, String> parentOf = new java.util.HashMap<>();
        for (String name : names) {
            DomainSnapshot s = d.snapshotLookupByName(name);
            String xml = secureXml(s);
            parentOf.put(name, text(parse(xml), "parent").map(String::trim).orElse(null));
            unordered.add(new SnapshotRecord(name, xml, name.equals(current)));
        }
        List<SnapshotRecord> ordered = new ArrayList<>();
        java.util.Set<String> placed = new java.util.HashSet<>();
        while (ordered.size() < unordered.size()) {
            boolean progress = false;
            for (SnapshotRecord r : unordered) {
                String parent = parentOf.get(r.name());
                if (!placed.contains(r.name()) && (parent == null || placed.contains(parent)
                        || !parentOf.containsKey(parent))) {
                    ordered.add(r);
                    placed.add(r.name());
                    progress = true;
                }
            }
            if (!progress) {
                throw new IllegalStateException("the snapshots of domain " + d.getName() + " form a cycle");
            }
        }
        for (int i = ordered.size() - 1; i >= 0; i--) {
            d.snapshotLookupByName(ordered.get(i).name()).delete(2); // VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY
        }
        return ordered;
    }

    /** Defines set-aside snapshot records on a domain again (parents first, the current one as current). */
    static void redefine(Domain d, List<SnapshotRecord> records) throws LibvirtException {
        for (SnapshotRecord r : records) {
            d.snapshotCreateXML(r.xml(), r.current() ? 1 | 2 : 1); // REDEFINE (| CURRENT)
        }
    }

    private static String secureXml(DomainSnapshot s) {
        CString xml = Libvirt.INSTANCE.virDomainSnapshotGetXMLDesc(pointer(s), 1); // VIR_DOMAIN_SNAPSHOT_XML_SECURE
        if (xml == null) {
            throw new DriverException(DriverFailureReason.HYPERVISOR_ERROR, "libvirt could not describe a snapshot: "
                    + lastError());
        }
        try {
            return xml.toString();
        } finally {
            xml.free();
        }
    }

    private long writtenMiB(Connect c, String desktopId) throws LibvirtException {
        StorageVol vol = c.storagePoolLookupByName(config.storagePool())
                .storageVolLookupByName(DesktopVolumes.volumeName(DesktopTag.vmName(desktopId)));
        long bytes = vol.getInfo().allocation;
        return (bytes + 1024 * 1024 - 1) / (1024 * 1024);
    }

    private static void revert(DomainSnapshot s, int flags) throws LibvirtException {
        DomainSnapshotPointer pointer = pointer(s);
        if (Libvirt.INSTANCE.virDomainRevertToSnapshot(pointer, flags) < 0) {
            throw new DriverException(DriverFailureReason.HYPERVISOR_ERROR, "libvirt could not revert to the snapshot: "
                    + lastError());
        }
    }

    /** The binding keeps the snapshot's native pointer package-private and offers no revert with flags. */
    private static DomainSnapshotPointer pointer(DomainSnapshot s) {
        try {
            Field f = DomainSnapshot.class.getDeclaredField("vdsp");
            f.setAccessible(true);
            return (DomainSnapshotPointer) f.get(s);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new DriverException(DriverFailureReason.HYPERVISOR_ERROR, "this libvirt Java binding hides the "
                    + "snapshot pointer: " + e, e);
        }
    }

    private static String lastError() {
        try {
            var e = Libvirt.INSTANCE.virGetLastError();
            return e == null ? "unknown error" : String.valueOf(e.message);
        } catch (RuntimeException e) {
            return "unknown error";
        }
    }

    private static Optional<DomainSnapshot> find(Domain d, String snapshotId) throws LibvirtException {
        try {
            return Optional.of(d.snapshotLookupByName(snapshotId));
        } catch (LibvirtException e) {
            if (LibvirtConnection.code(e) == Error.ErrorNumber.VIR_ERR_NO_DOMAIN_SNAPSHOT) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static DesktopSnapshot view(String desktopId, String snapshotId, String xml) {
        Document doc = parse(xml);
        Instant created = text(doc, "creationTime").map(t -> Instant.ofEpochSecond(Long.parseLong(t.trim())))
                .orElse(Instant.EPOCH);
        String description = text(doc, "description").orElse("");
        if (!description.startsWith(SIZE_PREFIX)) {
            throw new IllegalArgumentException("not a Deskport snapshot");
        }
        long size = Long.parseLong(description.substring(SIZE_PREFIX.length()).trim());
        boolean withMemory = !text(doc, "state").orElse("shutoff").equals("shutoff");
        return new DesktopSnapshot(snapshotId, desktopId, created, size, withMemory);
    }

    private static Optional<String> text(Document doc, String element) {
        // only the snapshot's own elements (its <domain> copy has elements of other names)
        var nodes = doc.getDocumentElement().getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (element.equals(nodes.item(i).getNodeName())) {
                return Optional.of(nodes.item(i).getTextContent());
            }
        }
        return Optional.empty();
    }

    private static Document parse(String xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return f.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
        } catch (Exception e) {
            throw new IllegalStateException("libvirt returned unreadable snapshot XML", e);
        }
    }
}
