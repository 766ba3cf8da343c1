package io.deskport.gateway.display;

import java.util.Arrays;

/**
 * The distinct colours of a region, up to 256, with their palette indices: decides between solid fill,
 * palette PNG and true-colour encodings, and maps pixels to indices when writing a palette PNG.
 */
final class ColorTable {

    static final int MAX_COLORS = 256;
    private static final int SLOTS = 1024; // power of two, load factor stays at or below 1/4
    private static final int EMPTY = -1;

    private final int[] keys = new int[SLOTS];
    private final int[] indices = new int[SLOTS];
    private final int[] colors = new int[MAX_COLORS];
    private int size;
    private byte[] pixelIndices = new byte[64 * 1024];

    ColorTable() {
        Arrays.fill(keys, EMPTY);
    }

    /**
     * Collects the colours of a region of {@code pixels}.
     *
     * @return false if the region has more than {@link #MAX_COLORS} colours
     */
    boolean collect(int[] pixels, int stride, int x, int y, int w, int h) {
        clear();
        if (pixelIndices.length < w * h) {
            pixelIndices = new byte[w * h];
        }
        // Text alternates between two colours: remembering the last two skips almost every lookup.
        int last = EMPTY;
        int lastIndex = 0;
        int previous = EMPTY;
        int previousIndex = 0;
        int i = 0;
        for (int row = y; row < y + h; row++) {
            int p = row * stride + x;
            int end = p + w;
            for (; p < end; p++) {
                int c = pixels[p];
                if (c != last) {
                    int index;
                    if (c == previous) {
                        index = previousIndex;
                    } else {
                        index = index(c);
                        if (index < 0) {
                            return false;
                        }
                    }
                    previous = last;
                    previousIndex = lastIndex;
                    last = c;
                    lastIndex = index;
                }
                pixelIndices[i++] = (byte) lastIndex;
            }
        }
        return true;
    }

    /** @return the palette index of {@code rgb}, adding it if new; -1 if the table is full */
    int index(int rgb) {
        int slot = (rgb * 0x9E3779B9) >>> 22;
        while (true) {
            int k = keys[slot];
            if (k == rgb) {
                return indices[slot];
            }
            if (k == EMPTY) {
                if (size == MAX_COLORS) {
                    return -1;
                }
                keys[slot] = rgb;
                indices[slot] = size;
                colors[size] = rgb;
                return size++;
            }
            slot = (slot + 1) & (SLOTS - 1);
        }
    }

    /** @return the palette index of every pixel of the last collected region, row by row */
    byte[] pixelIndices() {
        return pixelIndices;
    }

    /** @return the number of colours collected */
    int size() {
        return size;
    }

    /** @return the colour with palette index {@code i} */
    int color(int i) {
        return colors[i];
    }

    void clear() {
        if (size > 0) {
            Arrays.fill(keys, EMPTY);
            size = 0;
        }
    }
}
