package io.deskport.gateway.recording;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A session recording in guacd's format: the raw Guacamole instruction stream the server sent to its
 * clients (with the {@code sync} timestamps that give playback its timing), optionally interleaved with
 * the users' {@code mouse} and {@code key} events. guacamole-common-js's {@code Guacamole.SessionRecording}
 * plays such files back.
 *
 * <p>Files are created like guacd does: {@code <path>/<name>}, or {@code <name>.1} … {@code <name>.255}
 * if the name is taken, never overwriting an existing file. Thread-safe.
 */
public final class SessionRecording implements Closeable {

    private static final int MAX_SUFFIX = 255;

    private final Path file;
    private final OutputStream out;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean open = true;

    private SessionRecording(Path file, OutputStream out) {
        this.file = file;
        this.out = out;
    }

    /**
     * Creates a new recording file.
     *
     * @param directory  the directory to write into
     * @param name       the file name (guacd's {@code recording-name}); must not contain path separators
     * @param createPath create the directory if it does not exist (guacd's {@code create-recording-path})
     * @return the open recording
     * @throws IOException if the directory is missing (and may not be created), the name is invalid, or
     *                     no free file name is left
     */
    public static SessionRecording create(Path directory, String name, boolean createPath) throws IOException {
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
            throw new IOException("Invalid recording name \"" + name + "\"");
        }
        if (createPath) {
            Files.createDirectories(directory);
        }
        if (!Files.isDirectory(directory)) {
            throw new IOException("Recording directory " + directory + " does not exist");
        }
        for (int suffix = 0; suffix <= MAX_SUFFIX; suffix++) {
            Path candidate = directory.resolve(suffix == 0 ? name : name + "." + suffix);
            try {
                OutputStream stream = Files.newOutputStream(candidate, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE);
                return new SessionRecording(candidate, new BufferedOutputStream(stream, 64 * 1024));
            } catch (FileAlreadyExistsException taken) {
                // try the next suffix, as guacd does
            }
        }
        throw new IOException("No free recording file name for " + directory.resolve(name));
    }

    /** @return the file being written */
    public Path file() {
        return file;
    }

    /**
     * Appends complete instructions.
     *
     * @param flush whether to push the data to the file now (at the end of a frame)
     * @throws IOException if writing fails; the caller decides whether the session may continue
     */
    public void write(byte[] data, int offset, int length, boolean flush) throws IOException {
        lock.lock();
        try {
            if (!open) {
                return;
            }
            out.write(data, offset, length);
            if (flush) {
                out.flush();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Flushes and closes the file. */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (open) {
                open = false;
                out.close();
            }
        } finally {
            lock.unlock();
        }
    }
}
