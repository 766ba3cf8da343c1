package io.deskport.provisioning.libvirt;

import io.deskport.provisioning.driver.DesktopTag;
import io.deskport.provisioning.driver.HardwareProfile;
import io.deskport.provisioning.driver.ImageVersion;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.StringReader;
import java.util.Optional;

/**
 * Writes the libvirt XML of a desktop (domain and its linked-clone volume) and reads back what the
 * driver needs from a domain's XML: the Deskport tag and the VNC console.
 */
final class DesktopXml {

    /** XML namespace of the Deskport element in a domain's {@code <metadata>}. */
    static final String NAMESPACE = "https://deskport.io/xmlns/libvirt/desktop/1";
    static final String PREFIX = "deskport";

    private DesktopXml() {
    }

    /** The Deskport metadata element: tag plus the image the desktop was cloned from. */
    record Metadata(DesktopTag tag, String imageId, String imageVersion) {
    }

    /** The VNC graphics of a running domain. */
    record Vnc(int port, String password) {
    }

    /** Volume XML of a qcow2 overlay whose backing file is the golden disk. */
    static String linkedCloneVolume(String volumeName, ImageVersion image, HardwareProfile hardware) {
        return """
                <volume type='file'>
                  <name>%s</name>
                  <capacity unit='MiB'>%d</capacity>
                  <target><format type='qcow2'/></target>
                  <backingStore><path>%s</path><format type='qcow2'/></backingStore>
                </volume>
                """.formatted(esc(volumeName), hardware.diskMiB(), esc(image.goldenDiskPath()));
    }

    /** The Deskport element stored in the domain's {@code <metadata>}. */
    static String metadataElement(DesktopTag tag, ImageVersion image) {
        return "<%s:desktop xmlns:%s='%s' tenant='%s' pool='%s' desktop='%s' image='%s' version='%s'/>".formatted(
                PREFIX, PREFIX, NAMESPACE, esc(tag.tenantId()), esc(tag.poolId()), esc(tag.desktopId()),
                esc(image.imageId()), esc(image.version()));
    }

    /**
     * Domain XML of a desktop.
     *
     * @param uuid          the domain UUID to keep on redefinition, or null for a new domain
     * @param diskPath      path of the desktop's overlay volume
     * @param vncPassword   the per-desktop console password
     */
    static String domain(LibvirtDriverConfig config, String uuid, DesktopTag tag, ImageVersion image,
                         HardwareProfile hw, String diskPath, String vncPassword) {
        StringBuilder os = new StringBuilder("<type arch='x86_64' machine='%s'>hvm</type>".formatted(esc(config.machine())));
        if (image.kernelPath() != null) {
            os.append("<kernel>").append(esc(image.kernelPath())).append("</kernel>");
            if (image.initrdPath() != null) {
                os.append("<initrd>").append(esc(image.initrdPath())).append("</initrd>");
            }
            if (image.kernelCmdline() != null) {
                os.append("<cmdline>").append(esc(image.kernelCmdline())).append("</cmdline>");
            }
        } else {
            os.append("<boot dev='hd'/>");
        }
        String serial = config.serialLogDirectory() == null
                ? "<serial type='pty'><target port='0'/></serial>"
                : "<serial type='file'><source path='%s/%s.serial.log' append='off'/><target port='0'/></serial>"
                        .formatted(esc(config.serialLogDirectory()), esc(tag.vmName()));
        String nic = config.network() == null ? ""
                : "<interface type='network'><source network='%s'/><model type='virtio'/></interface>"
                        .formatted(esc(config.network()));
        return """
                <domain type='%s'>
                  <name>%s</name>%s
                  <title>Deskport desktop %s</title>
                  <metadata>%s</metadata>
                  <memory unit='MiB'>%d</memory>
                  <vcpu>%d</vcpu>
                  <os>%s</os>
                  <features><acpi/></features>
                  <clock offset='utc'/>
                  <on_poweroff>destroy</on_poweroff>
                  <on_reboot>restart</on_reboot>
                  <on_crash>destroy</on_crash>
                  <devices>
                    <disk type='file' device='disk'>
                      <driver name='qemu' type='qcow2'/>
                      <source file='%s'/>
                      <target dev='vda' bus='virtio'/>
                    </disk>
                    <controller type='usb' model='none'/>
                    %s
                    %s
                    <graphics type='vnc' autoport='yes' passwd='%s'>
                      <listen type='address' address='%s'/>
                    </graphics>
                    <video><model type='%s'/></video>
                    <memballoon model='none'/>
                  </devices>
                </domain>
                """.formatted(esc(config.domainType()), esc(tag.vmName()),
                uuid == null ? "" : "\n  <uuid>" + esc(uuid) + "</uuid>", esc(tag.desktopId()),
                metadataElement(tag, image), hw.memoryMiB(), hw.vcpus(), os, esc(diskPath), nic, serial,
                esc(vncPassword), esc(config.vncListen()), esc(hw.video()));
    }

    /**
     * Reads the Deskport element from a whole domain XML, or from what {@code virDomainGetMetadata}
     * returns for our namespace (the bare element, without the namespace).
     */
    static Optional<Metadata> metadata(String xml) {
        Document doc = parse(xml);
        Element root = doc.getDocumentElement();
        NodeList nodes = doc.getElementsByTagNameNS(NAMESPACE, "desktop");
        Element e;
        if (nodes.getLength() > 0) {
            e = (Element) nodes.item(0);
        } else if ("desktop".equals(root.getLocalName()) && root.getNamespaceURI() == null) {
            e = root;
        } else {
            return Optional.empty();
        }
        try {
            DesktopTag tag = new DesktopTag(e.getAttribute("tenant"), e.getAttribute("pool"), e.getAttribute("desktop"));
            return Optional.of(new Metadata(tag, e.getAttribute("image"), e.getAttribute("version")));
        } catch (IllegalArgumentException notOurs) {
            return Optional.empty();
        }
    }

    /** Reads the VNC port (-1 if not running) and password from a domain XML dumped with the secure flag. */
    static Optional<Vnc> vnc(String domainXml) {
        NodeList graphics = parse(domainXml).getElementsByTagName("graphics");
        for (int i = 0; i < graphics.getLength(); i++) {
            Element g = (Element) graphics.item(i);
            if ("vnc".equals(g.getAttribute("type"))) {
                String port = g.getAttribute("port");
                return Optional.of(new Vnc(port.isEmpty() ? -1 : Integer.parseInt(port), g.getAttribute("passwd")));
            }
        }
        return Optional.empty();
    }

    /** Reads the domain's UUID. */
    static String uuid(String domainXml) {
        return parse(domainXml).getElementsByTagName("uuid").item(0).getTextContent().trim();
    }

    private static Document parse(String xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return f.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
        } catch (Exception e) {
            throw new IllegalStateException("libvirt returned unreadable XML", e);
        }
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("'", "&apos;").replace("\"", "&quot;");
    }
}
