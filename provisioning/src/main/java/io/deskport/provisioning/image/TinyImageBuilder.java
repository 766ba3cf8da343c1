package io.deskport.provisioning.image;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Builds a {@link TinyImage} from the Debian packages {@code linux-image-amd64}, {@code busybox-static}
 * and {@code qemu-utils}, and caches it: a second build with the same inputs returns the cached files.
 * Several JVMs may build at once (a file lock serialises them).
 *
 * <pre>{@code
 * TinyImage image = new TinyImageBuilder(TinyImageBuilder.DEFAULT_CACHE).build();
 * ImageVersion v1 = image.toImageVersion("tiny", "1");
 * }</pre>
 *
 * The cache directory must be readable by the QEMU user (libvirt's {@code libvirt-qemu}), so it should
 * not live under a private home directory.
 */
public final class TinyImageBuilder {

    /** Default cache directory. */
    public static final Path DEFAULT_CACHE = Path.of("/var/lib/deskport-test-images");

    private static final Logger log = LoggerFactory.getLogger(TinyImageBuilder.class);
    private static final String FORMAT_VERSION = "5";
    private static final String CMDLINE = "console=ttyS0,115200 console=tty0 quiet panic=10";
    private static final int GOLDEN_DISK_MIB = 64;

    private final Path cacheDirectory;
    private final Path kernelSource;
    private final Path busybox;

    /** Uses the newest kernel in {@code /boot} and {@code /bin/busybox}. */
    public TinyImageBuilder(Path cacheDirectory) {
        this(cacheDirectory, newestKernel(), Path.of("/bin/busybox"));
    }

    /** Uses the given kernel and statically linked busybox. */
    public TinyImageBuilder(Path cacheDirectory, Path kernelSource, Path busybox) {
        this.cacheDirectory = cacheDirectory;
        this.kernelSource = kernelSource;
        this.busybox = busybox;
    }

    /**
     * Returns the cached image, building it first if it is missing or its inputs changed.
     *
     * @throws IOException if an input is missing or {@code qemu-img} fails
     */
    public TinyImage build() throws IOException {
        Files.createDirectories(cacheDirectory);
        setReadable(cacheDirectory, "rwxr-xr-x");
        TinyImage image = new TinyImage(cacheDirectory.resolve("vmlinuz"), cacheDirectory.resolve("initrd.gz"),
                cacheDirectory.resolve("golden.qcow2"), CMDLINE);
        String stamp = stamp();
        Path stampFile = cacheDirectory.resolve("image.stamp");
        try (FileChannel lockFile = FileChannel.open(cacheDirectory.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock ignored = lockFile.lock()) {
            if (Files.exists(stampFile) && Files.readString(stampFile).equals(stamp)
                    && Files.exists(image.kernel()) && Files.exists(image.initrd()) && Files.exists(image.goldenDisk())) {
                return image;
            }
            log.info("building tiny desktop image in {} from kernel {} and {}", cacheDirectory, kernelSource, busybox);
            copyAtomically(kernelSource, image.kernel());
            writeInitramfs(image.initrd());
            createGoldenDisk(image.goldenDisk());
            Files.writeString(stampFile, stamp);
            return image;
        }
    }

    private String stamp() throws IOException {
        return String.join("\n", FORMAT_VERSION, kernelSource.toString(), String.valueOf(Files.size(kernelSource)),
                String.valueOf(Files.size(busybox)), CMDLINE);
    }

    private void writeInitramfs(Path target) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (OutputStream file = Files.newOutputStream(tmp); GZIPOutputStream gzip = new GZIPOutputStream(file);
             NewcCpioWriter cpio = new NewcCpioWriter(gzip)) {
            for (String dir : List.of("bin", "dev", "proc", "sys", "tmp", "etc", "etc/acpi", "etc/acpi/PWRF", "lib",
                    "lib/modules", "root")) {
                cpio.directory(dir);
            }
            // Without /dev/console in the archive the kernel starts init with no stdout.
            cpio.characterDevice("dev/console", 0600, 5, 1);
            cpio.file("bin/busybox", 0755, Files.readAllBytes(busybox));
            cpio.symlink("bin/sh", "busybox");
            cpio.file("init", 0755, initScript().getBytes(StandardCharsets.UTF_8));
            // busybox acpid runs /etc/acpi/PWRF/00000080 when the ACPI power button is pressed.
            cpio.file("etc/acpi/PWRF/00000080", 0755, "#!/bin/sh\nexec poweroff -f\n".getBytes(StandardCharsets.UTF_8));
            for (Path module : powerButtonModules()) {
                cpio.file("lib/modules/" + module.getFileName(), 0644, Files.readAllBytes(module));
            }
        }
        setReadable(tmp, "rw-r--r--");
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String initScript() {
        return """
                #!/bin/busybox sh
                export PATH=/bin
                /bin/busybox --install -s /bin
                mount -t proc proc /proc
                mount -t sysfs sysfs /sys
                mount -t devtmpfs devtmpfs /dev
                for m in evdev button; do [ -f /lib/modules/$m.ko ] && insmod /lib/modules/$m.ko; done
                acpid -d -c /etc/acpi > /dev/ttyS0 2>&1 &
                echo "acpid pid: $(pidof acpid); input devices: $(ls /dev/input 2>&1 | tr '\\n' ' ')" > /dev/ttyS0
                hostname deskport-tiny
                echo "%1$s $(uname -r)" > /dev/console
                echo "%1$s $(uname -r)" > /dev/ttyS0
                while true; do
                  setsid cttyhack sh
                  sleep 1
                done
                """.formatted(TinyImage.BANNER);
    }

    private List<Path> powerButtonModules() throws IOException {
        String release = kernelSource.getFileName().toString().replaceFirst("^vmlinuz-", "");
        Path modules = Path.of("/lib/modules", release, "kernel", "drivers");
        return Stream.of(modules.resolve("input/evdev.ko"), modules.resolve("acpi/button.ko"))
                .filter(Files::isReadable).toList();
    }

    private static void createGoldenDisk(Path target) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        run(List.of("qemu-img", "create", "-q", "-f", "qcow2", tmp.toString(), GOLDEN_DISK_MIB + "M"));
        setReadable(tmp, "rw-r--r--");
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void copyAtomically(Path source, Path target) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
        setReadable(tmp, "rw-r--r--");
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                throw new IOException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.get(0), e);
        }
    }

    private static void setReadable(Path path, String permissions) throws IOException {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
    }

    /** Returns the newest {@code /boot/vmlinuz-*}. */
    static Path newestKernel() {
        try (Stream<Path> boot = Files.list(Path.of("/boot"))) {
            return boot.filter(p -> p.getFileName().toString().startsWith("vmlinuz-"))
                    .max(Comparator.comparing(p -> p.getFileName().toString()))
                    .orElseThrow(() -> new IllegalStateException(
                            "no /boot/vmlinuz-*: install the Debian package linux-image-amd64"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /boot", e);
        }
    }

    /** Builds the image into the directory given as first argument (default {@link #DEFAULT_CACHE}). */
    public static void main(String[] args) throws IOException {
        TinyImage image = new TinyImageBuilder(args.length > 0 ? Path.of(args[0]) : DEFAULT_CACHE).build();
        System.out.println("kernel=" + image.kernel());
        System.out.println("initrd=" + image.initrd());
        System.out.println("goldenDisk=" + image.goldenDisk());
        System.out.println("cmdline=" + image.cmdline());
    }
}
