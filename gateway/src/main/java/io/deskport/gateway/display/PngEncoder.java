package io.deskport.gateway.display;

import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A small, fast PNG writer for screen content: palette images of 1, 2, 4 or 8 bits per pixel for regions
 * with few colours (text, UI), 24-bit RGB with the Sub filter otherwise, and RGBA for cursors. Much
 * cheaper than the JDK's ImageIO writer for this kind of content. Not thread-safe; reuse one per thread.
 */
final class PngEncoder {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final int PALETTE_LEVEL = 3;
    /**
     * Two-colour (text) images: level 4 costs about 35 % less CPU than 6 for about 6 % more bytes on
     * screens of text (measured on 1-bit terminal text, 512-row images).
     */
    private static final int TWO_COLOR_LEVEL = 1;
    private static final int TRUECOLOR_LEVEL = 1;

    private final Deflater deflater = new Deflater();
    private final CRC32 crc = new CRC32();
    private byte[] raw = new byte[64 * 1024];
    private byte[] out = new byte[64 * 1024];
    private int len;

    /** @return the buffer holding the last encoded image (valid up to the returned length) */
    byte[] buffer() {
        return out;
    }

    /**
     * Encodes a region as a palette PNG. {@code table} must hold the result of
     * {@link ColorTable#collect} for exactly this region.
     */
    int encodePalette(int[] pixels, int stride, int x, int y, int w, int h, ColorTable table) {
        int colors = table.size();
        int bits = colors <= 2 ? 1 : colors <= 4 ? 2 : colors <= 16 ? 4 : 8;
        int rowBytes = (w * bits + 7) / 8;
        int rawLen = (rowBytes + 1) * h;
        ensureRaw(rawLen);
        if (bits == 1) {
            packTwoColors(pixels, stride, x, y, w, h, table.color(0));
        }
        if (bits > 1) {
            packIndices(table.pixelIndices(), w, h, bits);
        }
        len = 0;
        header(w, h, bits, 3);
        byte[] plte = new byte[colors * 3];
        for (int i = 0; i < colors; i++) {
            int c = table.color(i);
            plte[i * 3] = (byte) (c >> 16);
            plte[i * 3 + 1] = (byte) (c >> 8);
            plte[i * 3 + 2] = (byte) c;
        }
        chunk("PLTE", plte, 0, plte.length);
        idat(rawLen, PALETTE_LEVEL);
        chunk("IEND", raw, 0, 0);
        return len;
    }

    /** Encodes a region whose pixels are all {@code color0} or {@code color1} as a 1-bit palette PNG. */
    int encodeTwoColors(int[] pixels, int stride, int x, int y, int w, int h, int color0, int color1) {
        int rowBytes = (w + 7) / 8;
        int rawLen = (rowBytes + 1) * h;
        ensureRaw(rawLen);
        packTwoColors(pixels, stride, x, y, w, h, color0);
        len = 0;
        header(w, h, 1, 3);
        byte[] plte = {(byte) (color0 >> 16), (byte) (color0 >> 8), (byte) color0,
            (byte) (color1 >> 16), (byte) (color1 >> 8), (byte) color1};
        chunk("PLTE", plte, 0, plte.length);
        idat(rawLen, TWO_COLOR_LEVEL);
        chunk("IEND", raw, 0, 0);
        return len;
    }

    /** Packs palette indices (one byte per pixel, from {@link ColorTable#collect}) into rows of {@code bits}-bit values. */
    private void packIndices(byte[] indices, int w, int h, int bits) {
        int perByte = 8 / bits;
        int r = 0;
        int i = 0;
        for (int row = 0; row < h; row++) {
            raw[r++] = 0; // filter: None (palette data gains little from filters)
            if (bits == 8) {
                System.arraycopy(indices, i, raw, r, w);
                r += w;
                i += w;
                continue;
            }
            int acc = 0;
            int n = 0;
            for (int col = 0; col < w; col++) {
                acc = acc << bits | indices[i++];
                if (++n == perByte) {
                    raw[r++] = (byte) acc;
                    acc = 0;
                    n = 0;
                }
            }
            if (n > 0) {
                raw[r++] = (byte) (acc << (bits * (perByte - n)));
            }
        }
    }

    /** The common case of text: one bit per pixel, set where the pixel is not the first palette colour. */
    private void packTwoColors(int[] pixels, int stride, int x, int y, int w, int h, int color0) {
        int r = 0;
        for (int row = y; row < y + h; row++) {
            raw[r++] = 0;
            int p = row * stride + x;
            int end = p + w;
            while (p + 8 <= end) {
                int b = (pixels[p] != color0 ? 0x80 : 0) | (pixels[p + 1] != color0 ? 0x40 : 0)
                        | (pixels[p + 2] != color0 ? 0x20 : 0) | (pixels[p + 3] != color0 ? 0x10 : 0)
                        | (pixels[p + 4] != color0 ? 0x08 : 0) | (pixels[p + 5] != color0 ? 0x04 : 0)
                        | (pixels[p + 6] != color0 ? 0x02 : 0) | (pixels[p + 7] != color0 ? 0x01 : 0);
                raw[r++] = (byte) b;
                p += 8;
            }
            if (p < end) {
                int b = 0;
                int bit = 0x80;
                for (; p < end; p++, bit >>= 1) {
                    if (pixels[p] != color0) {
                        b |= bit;
                    }
                }
                raw[r++] = (byte) b;
            }
        }
    }

    /** Encodes a region as 24-bit RGB. */
    int encodeRgb(int[] pixels, int stride, int x, int y, int w, int h) {
        int rawLen = (w * 3 + 1) * h;
        ensureRaw(rawLen);
        int r = 0;
        for (int row = y; row < y + h; row++) {
            raw[r++] = 1; // filter: Sub
            int p = row * stride + x;
            int prev = 0;
            for (int col = 0; col < w; col++) {
                int c = pixels[p + col];
                raw[r++] = (byte) ((c >> 16) - (prev >> 16));
                raw[r++] = (byte) ((c >> 8) - (prev >> 8));
                raw[r++] = (byte) (c - prev);
                prev = c;
            }
        }
        len = 0;
        header(w, h, 8, 2);
        idat(rawLen, TRUECOLOR_LEVEL);
        chunk("IEND", raw, 0, 0);
        return len;
    }

    /** Encodes {@code w * h} ARGB pixels as an RGBA PNG. */
    int encodeArgb(int[] argb, int w, int h) {
        int rawLen = (w * 4 + 1) * h;
        ensureRaw(rawLen);
        int r = 0;
        for (int row = 0; row < h; row++) {
            raw[r++] = 0;
            for (int col = 0; col < w; col++) {
                int c = argb[row * w + col];
                raw[r++] = (byte) (c >> 16);
                raw[r++] = (byte) (c >> 8);
                raw[r++] = (byte) c;
                raw[r++] = (byte) (c >>> 24);
            }
        }
        len = 0;
        header(w, h, 8, 6);
        idat(rawLen, PALETTE_LEVEL);
        chunk("IEND", raw, 0, 0);
        return len;
    }

    private void header(int w, int h, int bitDepth, int colorType) {
        put(SIGNATURE, 0, SIGNATURE.length);
        byte[] ihdr = {
            (byte) (w >>> 24), (byte) (w >> 16), (byte) (w >> 8), (byte) w,
            (byte) (h >>> 24), (byte) (h >> 16), (byte) (h >> 8), (byte) h,
            (byte) bitDepth, (byte) colorType, 0, 0, 0
        };
        chunk("IHDR", ihdr, 0, ihdr.length);
    }

    private void idat(int rawLen, int level) {
        deflater.reset();
        deflater.setLevel(level);
        deflater.setInput(raw, 0, rawLen);
        deflater.finish();
        int lengthAt = len;
        ensureOut(8);
        len += 4;
        int typeAt = len;
        put(new byte[] {'I', 'D', 'A', 'T'}, 0, 4);
        while (!deflater.finished()) {
            ensureOut(Math.max(4096, rawLen / 4));
            len += deflater.deflate(out, len, out.length - len);
        }
        int dataLen = len - typeAt - 4;
        writeInt(lengthAt, dataLen);
        crc.reset();
        crc.update(out, typeAt, dataLen + 4);
        ensureOut(4);
        writeInt(len, (int) crc.getValue());
        len += 4;
    }

    private void chunk(String type, byte[] data, int off, int n) {
        ensureOut(n + 12);
        writeInt(len, n);
        len += 4;
        int typeAt = len;
        for (int i = 0; i < 4; i++) {
            out[len++] = (byte) type.charAt(i);
        }
        System.arraycopy(data, off, out, len, n);
        len += n;
        crc.reset();
        crc.update(out, typeAt, n + 4);
        writeInt(len, (int) crc.getValue());
        len += 4;
    }

    private void put(byte[] b, int off, int n) {
        ensureOut(n);
        System.arraycopy(b, off, out, len, n);
        len += n;
    }

    private void writeInt(int at, int v) {
        out[at] = (byte) (v >>> 24);
        out[at + 1] = (byte) (v >> 16);
        out[at + 2] = (byte) (v >> 8);
        out[at + 3] = (byte) v;
    }

    private void ensureRaw(int n) {
        if (raw.length < n) {
            raw = new byte[Math.max(n, raw.length * 2)];
        }
    }

    private void ensureOut(int n) {
        if (len + n > out.length) {
            out = Arrays.copyOf(out, Math.max(len + n, out.length * 2));
        }
    }

    void close() {
        deflater.end();
    }
}
