package io.deskport.gateway.rfb;

import java.io.IOException;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes ZRLE rectangles (RFC 6143 §7.7.6): 64×64 tiles, zlib-compressed with one stream for the whole
 * connection. Compressed data is streamed through the inflater in small chunks, and only as much output
 * as the tile structure needs is produced, so a hostile length or a zip bomb cannot make it allocate
 * more than its fixed buffers.
 */
final class ZrleDecoder {

    private static final int TILE = 64;

    private final Inflater inflater = new Inflater();
    private final byte[] compressed = new byte[32 * 1024];
    private final byte[] out = new byte[32 * 1024];
    private final int[] tile = new int[TILE * TILE];
    private final int[] palette = new int[128];
    private int outPos;
    private int outLimit;
    private long compressedLeft;
    private RfbInput in;

    void decode(RfbInput in, int x, int y, int w, int h, RfbListener listener) throws IOException {
        this.in = in;
        // Worst case for incompressible data: 3-byte pixels, one subencoding byte per tile, zlib framing.
        long maxLength = (long) w * h * 4 + 65536;
        compressedLeft = in.u32("a ZRLE rectangle", maxLength);
        outPos = 0;
        outLimit = 0;
        for (int ty = y; ty < y + h; ty += TILE) {
            int th = Math.min(TILE, y + h - ty);
            for (int tx = x; tx < x + w; tx += TILE) {
                int tw = Math.min(TILE, x + w - tx);
                decodeTile(tx, ty, tw, th, listener);
            }
        }
        drain();
    }

    private void decodeTile(int tx, int ty, int tw, int th, RfbListener listener) throws IOException {
        int sub = next();
        int count = tw * th;
        if (sub == 0) {
            for (int i = 0; i < count; i++) {
                tile[i] = cpixel();
            }
        } else if (sub == 1) {
            listener.fill(tx, ty, tw, th, cpixel());
            return;
        } else if (sub <= 16) {
            for (int i = 0; i < sub; i++) {
                palette[i] = cpixel();
            }
            int bits = sub == 2 ? 1 : sub <= 4 ? 2 : 4;
            int mask = (1 << bits) - 1;
            int i = 0;
            for (int row = 0; row < th; row++) {
                int shift = 0;
                int b = 0;
                for (int col = 0; col < tw; col++) {
                    if (shift == 0) {
                        b = next();
                        shift = 8;
                    }
                    shift -= bits;
                    int index = (b >> shift) & mask;
                    if (index >= sub) {
                        throw RfbException.protocol("ZRLE palette index " + index + " outside a palette of " + sub);
                    }
                    tile[i++] = palette[index];
                }
            }
        } else if (sub == 128) {
            int i = 0;
            while (i < count) {
                int colour = cpixel();
                int run = runLength(count - i);
                for (int k = 0; k < run; k++) {
                    tile[i++] = colour;
                }
            }
        } else if (sub >= 130) {
            int size = sub - 128;
            for (int k = 0; k < size; k++) {
                palette[k] = cpixel();
            }
            int i = 0;
            while (i < count) {
                int index = next();
                int run = 1;
                if ((index & 128) != 0) {
                    index &= 127;
                    run = runLength(count - i);
                }
                if (index >= size) {
                    throw RfbException.protocol("ZRLE palette index " + index + " outside a palette of " + size);
                }
                int colour = palette[index];
                for (int k = 0; k < run; k++) {
                    tile[i++] = colour;
                }
            }
        } else {
            throw RfbException.protocol("ZRLE tile uses undefined subencoding " + sub);
        }
        listener.pixels(tx, ty, tw, th, tile, 0, tw);
    }

    private int runLength(int remaining) throws IOException {
        int run = 1;
        int b;
        do {
            b = next();
            run += b;
            if (run > remaining) {
                throw RfbException.protocol("ZRLE run of " + run + " pixels overflows its tile");
            }
        } while (b == 255);
        return run;
    }

    private int cpixel() throws IOException {
        if (outLimit - outPos >= 3) {
            int p = outPos;
            outPos += 3;
            return (out[p] & 0xff) | (out[p + 1] & 0xff) << 8 | (out[p + 2] & 0xff) << 16;
        }
        int b = next();
        int g = next();
        int r = next();
        return b | g << 8 | r << 16;
    }

    private int next() throws IOException {
        if (outPos == outLimit) {
            inflateMore();
        }
        return out[outPos++] & 0xff;
    }

    private void inflateMore() throws IOException {
        try {
            while (true) {
                int n = inflater.inflate(out);
                if (n > 0) {
                    outPos = 0;
                    outLimit = n;
                    return;
                }
                if (inflater.finished() || inflater.needsDictionary()) {
                    throw RfbException.protocol("ZRLE zlib stream ended unexpectedly");
                }
                if (inflater.needsInput()) {
                    if (compressedLeft == 0) {
                        throw RfbException.protocol("ZRLE rectangle ended before all its tiles were decoded");
                    }
                    feed();
                }
            }
        } catch (DataFormatException e) {
            throw new RfbException(RfbException.Kind.PROTOCOL, "ZRLE data is not valid zlib: " + e.getMessage(), e);
        }
    }

    private void feed() throws IOException {
        int n = (int) Math.min(compressed.length, compressedLeft);
        in.readFully(compressed, 0, n);
        compressedLeft -= n;
        inflater.setInput(compressed, 0, n);
    }

    /** Passes the rest of the rectangle's bytes (usually a zlib sync-flush marker) through the inflater. */
    private void drain() throws IOException {
        byte[] sink = out;
        try {
            while (true) {
                if (inflater.needsInput()) {
                    if (compressedLeft == 0) {
                        break;
                    }
                    feed();
                }
                int n = inflater.inflate(sink);
                if (n == 0 && !inflater.needsInput()) {
                    break;
                }
            }
        } catch (DataFormatException e) {
            throw new RfbException(RfbException.Kind.PROTOCOL, "ZRLE data is not valid zlib: " + e.getMessage(), e);
        }
        if (compressedLeft > 0) {
            in.skip(compressedLeft);
            compressedLeft = 0;
        }
        outPos = 0;
        outLimit = 0;
    }

    void close() {
        inflater.end();
    }
}
