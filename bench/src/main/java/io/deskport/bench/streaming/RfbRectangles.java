package io.deskport.bench.streaming;

import java.io.DataInputStream;
import java.io.IOException;

/**
 * Reads past the data of one FramebufferUpdate rectangle, for a client in 32-bit true colour (depth 24, so
 * Tight's TPIXEL is 3 bytes). Nothing is decoded: Tight's compressed data carries its own length, and
 * Hextile and RRE are walked through their headers.
 */
final class RfbRectangles {

    private RfbRectangles() {
    }

    static void skip(DataInputStream in, int encoding, int x, int y, int w, int h) throws IOException {
        switch (encoding) {
            case 0 -> in.skipNBytes((long) w * h * 4);
            case 1 -> in.skipNBytes(4);
            case 2 -> in.skipNBytes(4 + in.readInt() * 12L); // subrect count, then background and subrects
            case 5 -> hextile(in, w, h);
            case 7, -260 -> tight(in, w, h);
            case -239 -> in.skipNBytes((long) w * h * 4 + (long) ((w + 7) / 8) * h);
            case 0x574d5664 -> { // VMware cursor: type, padding, then masks or RGBA
                int type = in.readUnsignedByte();
                in.skipNBytes(1);
                in.skipNBytes(type == 0 ? 2L * w * h * 4 : (long) w * h * 4);
            }
            case -308 -> { // ExtendedDesktopSize
                int screens = in.readUnsignedByte();
                in.skipNBytes(3 + 16L * screens);
            }
            case -307 -> in.skipNBytes(in.readInt()); // DesktopName
            case -223, -258 -> {
                // DesktopSize, QEMU extended key events acknowledged: no data
            }
            default -> throw new IOException("unexpected encoding " + encoding + " in a " + w + "x" + h + " rectangle");
        }
    }

    private static void hextile(DataInputStream in, int w, int h) throws IOException {
        for (int ty = 0; ty < h; ty += 16) {
            int th = Math.min(16, h - ty);
            for (int tx = 0; tx < w; tx += 16) {
                int tw = Math.min(16, w - tx);
                int sub = in.readUnsignedByte();
                if ((sub & 1) != 0) {
                    in.skipNBytes((long) tw * th * 4);
                    continue;
                }
                if ((sub & 2) != 0) {
                    in.skipNBytes(4);
                }
                if ((sub & 4) != 0) {
                    in.skipNBytes(4);
                }
                if ((sub & 8) != 0) {
                    int n = in.readUnsignedByte();
                    in.skipNBytes((sub & 16) != 0 ? n * 6L : n * 2L);
                }
            }
        }
    }

    private static void tight(DataInputStream in, int w, int h) throws IOException {
        int control = in.readUnsignedByte();
        int type = control >> 4;
        if (type == 8) { // fill
            in.skipNBytes(3);
            return;
        }
        if (type == 9 || type == 10) { // JPEG, PNG (TightPNG)
            in.skipNBytes(compactLength(in));
            return;
        }
        if (type > 10) {
            throw new IOException("bad Tight compression control " + control);
        }
        int filter = 0;
        if ((type & 4) != 0) {
            filter = in.readUnsignedByte();
        }
        int rowSize;
        switch (filter) {
            case 0, 2 -> rowSize = w * 3; // copy, gradient
            case 1 -> {
                int colors = in.readUnsignedByte() + 1;
                in.skipNBytes(colors * 3L);
                rowSize = colors == 2 ? (w + 7) / 8 : w;
            }
            default -> throw new IOException("bad Tight filter " + filter);
        }
        long size = (long) rowSize * h;
        in.skipNBytes(size < 12 ? size : compactLength(in));
    }

    private static int compactLength(DataInputStream in) throws IOException {
        int b = in.readUnsignedByte();
        int len = b & 0x7f;
        if ((b & 0x80) != 0) {
            b = in.readUnsignedByte();
            len |= (b & 0x7f) << 7;
            if ((b & 0x80) != 0) {
                len |= in.readUnsignedByte() << 14;
            }
        }
        return len;
    }
}
