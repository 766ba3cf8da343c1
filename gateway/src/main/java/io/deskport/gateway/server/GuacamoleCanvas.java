package io.deskport.gateway.server;

import io.deskport.gateway.display.Canvas;
import io.deskport.gateway.protocol.InstructionWriter;

/**
 * Draws the display pipeline's output as Guacamole instructions into an {@link InstructionWriter}, the
 * way guacd does: layer 0 is the screen, layer -1 an off-screen buffer holding the cursor image,
 * images are {@code img} streams (mask 14, "over") split into {@code blob}s, and frames end with
 * {@code sync}. The collected bytes of each frame are handed to a {@link FrameSink}.
 */
final class GuacamoleCanvas implements Canvas {

    /** Receives finished frames. */
    interface FrameSink {
        void frame(byte[] instructions, long timestamp);
    }

    private static final int SCREEN = 0;
    private static final int CURSOR_BUFFER = -1;
    private static final int OVER = 14;
    private static final int COPY = 12;
    private static final int IMAGE_STREAM = 1;

    private final InstructionWriter out = new InstructionWriter(64 * 1024);
    private final FrameSink sink;
    private final SyncClock clock;

    GuacamoleCanvas(FrameSink sink, SyncClock clock) {
        this.sink = sink;
        this.clock = clock;
    }

    /** Lets the owner add other instructions (e.g. {@code name}, {@code clipboard}) to the current frame. */
    InstructionWriter writer() {
        return out;
    }

    @Override
    public void resize(int width, int height) {
        out.begin("size").arg(SCREEN).arg(width).arg(height).end();
    }

    @Override
    public void copy(int srcX, int srcY, int width, int height, int dstX, int dstY) {
        out.begin("copy").arg(SCREEN).arg(srcX).arg(srcY).arg(width).arg(height).arg(OVER).arg(SCREEN)
                .arg(dstX).arg(dstY).end();
    }

    @Override
    public void fill(int x, int y, int width, int height, int rgb) {
        out.begin("rect").arg(SCREEN).arg(x).arg(y).arg(width).arg(height).end();
        out.begin("cfill").arg(OVER).arg(SCREEN).arg((rgb >> 16) & 0xff).arg((rgb >> 8) & 0xff).arg(rgb & 0xff)
                .arg(255).end();
    }

    @Override
    public void image(int x, int y, String mimetype, byte[] data, int length) {
        out.begin("img").arg(IMAGE_STREAM).arg(OVER).arg(SCREEN).arg(mimetype).arg(x).arg(y).end();
        out.blobs(IMAGE_STREAM, data, 0, length);
    }

    @Override
    public void cursor(int hotX, int hotY, int width, int height, byte[] png, int length) {
        if (width > 0 && height > 0) {
            out.begin("size").arg(CURSOR_BUFFER).arg(width).arg(height).end();
            out.begin("img").arg(IMAGE_STREAM).arg(COPY).arg(CURSOR_BUFFER).arg("image/png").arg(0).arg(0).end();
            out.blobs(IMAGE_STREAM, png, 0, length);
        }
        out.begin("cursor").arg(hotX).arg(hotY).arg(CURSOR_BUFFER).arg(0).arg(0).arg(width).arg(height).end();
    }

    @Override
    public void endFrame() {
        long timestamp = clock.next();
        out.begin("sync").arg(timestamp).arg(1).end();
        byte[] frame = out.toByteArray();
        out.reset();
        sink.frame(frame, timestamp);
    }
}
