package io.deskport.gateway.server;

import io.deskport.gateway.protocol.InstructionWriter;
import io.deskport.gateway.recording.SessionRecording;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a connection's {@link SessionRecording} according to the owner's recording parameters: output
 * unless {@code recording-exclude-output}, mouse events unless {@code recording-exclude-mouse}, key events
 * only with {@code recording-include-keys}. A connection without recording uses {@link #NONE}.
 */
class Recorder {

    /** Records nothing. */
    static final Recorder NONE = new Recorder();

    private static final Logger LOG = LoggerFactory.getLogger(Recorder.class);

    private final SessionRecording recording;
    private final boolean output;
    private final boolean mouse;
    private final boolean keys;
    private volatile boolean failed;

    private Recorder() {
        this(null, false, false, false);
    }

    Recorder(SessionRecording recording, boolean output, boolean mouse, boolean keys) {
        this.recording = recording;
        this.output = output;
        this.mouse = mouse;
        this.keys = keys;
    }

    Optional<Path> file() {
        return recording == null ? Optional.empty() : Optional.of(recording.file());
    }

    void output(byte[] instructions, boolean endOfFrame) {
        if (output) {
            write(instructions, endOfFrame);
        }
    }

    void mouse(int x, int y, int buttons, long timestamp) {
        if (mouse) {
            write(new InstructionWriter(64).begin("mouse").arg(x).arg(y).arg(buttons).arg(timestamp).end().toByteArray(), false);
        }
    }

    void key(int keysym, boolean pressed, long timestamp) {
        if (keys) {
            write(new InstructionWriter(64).begin("key").arg(keysym).arg(pressed ? 1 : 0).arg(timestamp).end().toByteArray(), false);
        }
    }

    void close() {
        if (recording == null) {
            return;
        }
        try {
            recording.close();
        } catch (IOException e) {
            LOG.warn("Closing recording {} failed: {}", recording.file(), e.toString());
        }
    }

    private void write(byte[] data, boolean flush) {
        if (recording == null || failed) {
            return;
        }
        try {
            recording.write(data, 0, data.length, flush);
        } catch (IOException e) {
            failed = true;
            LOG.error("Writing recording {} failed; the rest of the session is not recorded: {}", recording.file(), e.toString());
        }
    }
}
