package io.deskport.provisioning.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a cpio archive in the "newc" format, the format the Linux kernel unpacks as initramfs.
 * Only what an initramfs needs: directories, regular files, symlinks and device nodes.
 */
final class NewcCpioWriter implements AutoCloseable {

    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFCHR = 0020000;

    private final OutputStream out;
    private long written;
    private int nextInode = 1;

    NewcCpioWriter(OutputStream out) {
        this.out = out;
    }

    void directory(String name) throws IOException {
        entry(name, S_IFDIR | 0755, new byte[0], 0, 0);
    }

    void file(String name, int permissions, byte[] content) throws IOException {
        entry(name, S_IFREG | permissions, content, 0, 0);
    }

    void symlink(String name, String target) throws IOException {
        entry(name, S_IFLNK | 0777, target.getBytes(StandardCharsets.UTF_8), 0, 0);
    }

    void characterDevice(String name, int permissions, int major, int minor) throws IOException {
        entry(name, S_IFCHR | permissions, new byte[0], major, minor);
    }

    private void entry(String name, int mode, byte[] data, int rdevMajor, int rdevMinor) throws IOException {
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
        StringBuilder header = new StringBuilder("070701");
        for (long field : new long[] {nextInode++, mode, 0, 0, (mode & S_IFDIR) != 0 ? 2 : 1, 0, data.length,
                0, 0, rdevMajor, rdevMinor, nameBytes.length, 0}) {
            header.append(String.format("%08x", field));
        }
        write(header.toString().getBytes(StandardCharsets.US_ASCII));
        write(nameBytes);
        pad();
        write(data);
        pad();
    }

    private void write(byte[] bytes) throws IOException {
        out.write(bytes);
        written += bytes.length;
    }

    private void pad() throws IOException {
        while (written % 4 != 0) {
            out.write(0);
            written++;
        }
    }

    /** Writes the trailer entry; the underlying stream stays open. */
    @Override
    public void close() throws IOException {
        entry("TRAILER!!!", 0, new byte[0], 0, 0);
        out.flush();
    }
}
