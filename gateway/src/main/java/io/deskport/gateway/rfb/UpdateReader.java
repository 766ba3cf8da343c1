package io.deskport.gateway.rfb;

import java.io.IOException;
import java.util.function.BiConsumer;

/**
 * Reads one FramebufferUpdate message, validates every rectangle against the framebuffer and the
 * configured limits, and hands the decoded pixels to the listener.
 */
final class UpdateReader {

    private static final int MAX_CURSOR_SIZE = 512;
    private static final int MAX_SCREENS = 64;

    private final RfbInput in;
    private final RfbOptions options;
    private final BiConsumer<Integer, Integer> onResize;
    private final ZrleDecoder zrle = new ZrleDecoder();
    private final HextileDecoder hextile = new HextileDecoder();
    private final int[] rows = new int[16 * 1024];
    private int width;
    private int height;
    private boolean screenLayoutKnown;
    private int screenId;
    private int screenFlags;

    UpdateReader(RfbInput in, RfbOptions options, BiConsumer<Integer, Integer> onResize) {
        this.in = in;
        this.options = options;
        this.onResize = onResize;
        this.width = -1;
    }

    boolean screenLayoutKnown() {
        return screenLayoutKnown;
    }

    int screenId() {
        return screenId;
    }

    int screenFlags() {
        return screenFlags;
    }

    /**
     * Reads the rest of a FramebufferUpdate (the type byte is already consumed).
     *
     * @return true if the framebuffer was resized and needs a full refresh
     */
    boolean read(RfbListener listener) throws IOException {
        if (width < 0) {
            throw new IllegalStateException("framebuffer size not initialised");
        }
        in.skip(1);
        int count = in.u16();
        boolean resized = false;
        for (int i = 0; i < count; i++) {
            int x = in.u16();
            int y = in.u16();
            int w = in.u16();
            int h = in.u16();
            int encoding = in.s32();
            switch (encoding) {
                case Encodings.LAST_RECT -> {
                    return resized;
                }
                case Encodings.DESKTOP_SIZE -> {
                    resize(w, h, listener);
                    resized = true;
                }
                case Encodings.EXTENDED_DESKTOP_SIZE -> resized |= readExtendedDesktopSize(x, y, w, h, listener);
                case Encodings.CURSOR -> readCursor(x, y, w, h, listener);
                case Encodings.RAW -> {
                    checkBounds(x, y, w, h);
                    readRaw(x, y, w, h, listener);
                }
                case Encodings.COPY_RECT -> {
                    checkBounds(x, y, w, h);
                    int sx = in.u16();
                    int sy = in.u16();
                    checkBounds(sx, sy, w, h);
                    listener.copy(sx, sy, w, h, x, y);
                }
                case Encodings.HEXTILE -> {
                    checkBounds(x, y, w, h);
                    hextile.decode(in, x, y, w, h, listener);
                }
                case Encodings.ZRLE -> {
                    checkBounds(x, y, w, h);
                    zrle.decode(in, x, y, w, h, listener);
                }
                default -> throw RfbException.protocol("VNC server used encoding " + encoding + " which was not requested");
            }
        }
        return resized;
    }

    /** Called by the client once the initial size is known. */
    void initialSize(int w, int h) {
        width = w;
        height = h;
    }

    private void resize(int w, int h, RfbListener listener) throws RfbException {
        if (w > options.maxWidth() || h > options.maxHeight()) {
            throw RfbException.protocol("VNC server resized its desktop to " + w + "x" + h + ", larger than the "
                    + options.maxWidth() + "x" + options.maxHeight() + " limit");
        }
        width = w;
        height = h;
        onResize.accept(w, h);
        listener.resize(w, h);
    }

    private boolean readExtendedDesktopSize(int reason, int status, int w, int h, RfbListener listener) throws IOException {
        int screens = in.u8();
        in.skip(3);
        if (screens > MAX_SCREENS) {
            throw RfbException.protocol("VNC server described " + screens + " screens");
        }
        for (int s = 0; s < screens; s++) {
            int id = in.s32();
            in.skip(8);
            int flags = in.s32();
            if (s == 0) {
                screenId = id;
                screenFlags = flags;
            }
        }
        screenLayoutKnown = true;
        if (status != 0 || (w == width && h == height)) {
            return false; // a refused request (reason 1) or an unchanged size: nothing to redraw
        }
        resize(w, h, listener);
        return true;
    }

    private void readRaw(int x, int y, int w, int h, RfbListener listener) throws IOException {
        int rowsPerChunk = Math.max(1, rows.length / Math.max(1, w));
        if (w > rows.length) {
            throw RfbException.protocol("Raw rectangle wider than " + rows.length);
        }
        for (int r = 0; r < h; r += rowsPerChunk) {
            int n = Math.min(rowsPerChunk, h - r);
            in.pixels32(rows, 0, n * w);
            listener.pixels(x, y + r, w, n, rows, 0, w);
        }
    }

    private void readCursor(int hotX, int hotY, int w, int h, RfbListener listener) throws IOException {
        if (w > MAX_CURSOR_SIZE || h > MAX_CURSOR_SIZE) {
            throw RfbException.protocol("VNC server sent a " + w + "x" + h + " cursor");
        }
        int[] argb = new int[w * h];
        in.pixels32(argb, 0, w * h);
        int maskStride = (w + 7) / 8;
        byte[] mask = new byte[maskStride * h];
        in.readFully(mask, 0, mask.length);
        for (int row = 0; row < h; row++) {
            for (int col = 0; col < w; col++) {
                boolean opaque = (mask[row * maskStride + col / 8] & (0x80 >> (col % 8))) != 0;
                int i = row * w + col;
                argb[i] = opaque ? 0xff000000 | argb[i] : 0;
            }
        }
        listener.cursor(Math.min(hotX, Math.max(0, w - 1)), Math.min(hotY, Math.max(0, h - 1)), w, h, argb);
    }

    private void checkBounds(int x, int y, int w, int h) throws RfbException {
        if (x + w > width || y + h > height) {
            throw RfbException.protocol("VNC server sent a " + w + "x" + h + " rectangle at " + x + "," + y
                    + " outside its " + width + "x" + height + " framebuffer");
        }
    }

    void close() {
        zrle.close();
    }
}
