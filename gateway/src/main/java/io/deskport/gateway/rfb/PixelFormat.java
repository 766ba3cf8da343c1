package io.deskport.gateway.rfb;

import java.io.IOException;

/**
 * An RFB PIXEL_FORMAT. This client always asks for {@link #rgb888(boolean)}; the server's own format is
 * only logged.
 */
record PixelFormat(int bitsPerPixel, int depth, boolean bigEndian, boolean trueColour, int redMax,
                   int greenMax, int blueMax, int redShift, int greenShift, int blueShift) {

    /** 32 bits per pixel, depth 24, little endian, red in bits 16–23 (or 0–7 when swapping red and blue). */
    static PixelFormat rgb888(boolean swapRedBlue) {
        return new PixelFormat(32, 24, false, true, 255, 255, 255, swapRedBlue ? 0 : 16, 8, swapRedBlue ? 16 : 0);
    }

    static PixelFormat read(RfbInput in) throws IOException {
        PixelFormat f = new PixelFormat(in.u8(), in.u8(), in.u8() != 0, in.u8() != 0, in.u16(), in.u16(), in.u16(),
                in.u8(), in.u8(), in.u8());
        in.skip(3);
        return f;
    }

    void write(byte[] out, int off) {
        out[off] = (byte) bitsPerPixel;
        out[off + 1] = (byte) depth;
        out[off + 2] = (byte) (bigEndian ? 1 : 0);
        out[off + 3] = (byte) (trueColour ? 1 : 0);
        out[off + 4] = (byte) (redMax >> 8);
        out[off + 5] = (byte) redMax;
        out[off + 6] = (byte) (greenMax >> 8);
        out[off + 7] = (byte) greenMax;
        out[off + 8] = (byte) (blueMax >> 8);
        out[off + 9] = (byte) blueMax;
        out[off + 10] = (byte) redShift;
        out[off + 11] = (byte) greenShift;
        out[off + 12] = (byte) blueShift;
    }

    @Override
    public String toString() {
        return bitsPerPixel + "bpp depth " + depth + (trueColour ? " true colour" : " colour map")
                + (bigEndian ? " big endian" : " little endian");
    }
}
