package io.deskport.gateway.rfb;

import java.io.IOException;
import java.util.Arrays;

/**
 * Decodes Hextile rectangles (RFC 6143 §7.7.4): 16×16 tiles that are raw, solid, or a background with
 * small sub-rectangles. Background and foreground colours carry over from tile to tile.
 */
final class HextileDecoder {

    private static final int RAW = 1;
    private static final int BACKGROUND_SPECIFIED = 2;
    private static final int FOREGROUND_SPECIFIED = 4;
    private static final int ANY_SUBRECTS = 8;
    private static final int SUBRECTS_COLOURED = 16;

    private final int[] tile = new int[16 * 16];
    private final int[] one = new int[1];

    void decode(RfbInput in, int x, int y, int w, int h, RfbListener listener) throws IOException {
        int background = 0;
        int foreground = 0;
        for (int ty = y; ty < y + h; ty += 16) {
            int th = Math.min(16, y + h - ty);
            for (int tx = x; tx < x + w; tx += 16) {
                int tw = Math.min(16, x + w - tx);
                int mask = in.u8();
                if ((mask & ~31) != 0) {
                    throw RfbException.protocol("Hextile tile has undefined subencoding bits " + mask);
                }
                if ((mask & RAW) != 0) {
                    in.pixels32(tile, 0, tw * th);
                    listener.pixels(tx, ty, tw, th, tile, 0, tw);
                    continue;
                }
                if ((mask & BACKGROUND_SPECIFIED) != 0) {
                    background = pixel(in);
                }
                if ((mask & FOREGROUND_SPECIFIED) != 0) {
                    foreground = pixel(in);
                }
                if ((mask & ANY_SUBRECTS) == 0) {
                    listener.fill(tx, ty, tw, th, background);
                    continue;
                }
                Arrays.fill(tile, 0, tw * th, background);
                int subrects = in.u8();
                for (int s = 0; s < subrects; s++) {
                    int colour = (mask & SUBRECTS_COLOURED) != 0 ? pixel(in) : foreground;
                    int xy = in.u8();
                    int wh = in.u8();
                    int sx = xy >> 4;
                    int sy = xy & 15;
                    int sw = (wh >> 4) + 1;
                    int sh = (wh & 15) + 1;
                    if (sx + sw > tw || sy + sh > th) {
                        throw RfbException.protocol("Hextile sub-rectangle lies outside its tile");
                    }
                    for (int r = sy; r < sy + sh; r++) {
                        Arrays.fill(tile, r * tw + sx, r * tw + sx + sw, colour);
                    }
                }
                listener.pixels(tx, ty, tw, th, tile, 0, tw);
            }
        }
    }

    private int pixel(RfbInput in) throws IOException {
        in.pixels32(one, 0, 1);
        return one[0];
    }
}
