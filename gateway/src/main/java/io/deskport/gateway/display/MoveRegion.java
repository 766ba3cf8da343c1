package io.deskport.gateway.display;

import java.util.Arrays;

/**
 * One changed region of a frame as the {@link MoveDetector} analyses it: the framebuffer and the client's
 * picture (the shadow) of the frame, the region's bounds, and the state of each of its
 * {@value #CELL}×{@value #CELL} cells (counted from the region's corner), which the analysis moves from
 * {@link #CHANGED} to {@link #MOVED}. Also the pixel comparisons the analysis is made of.
 *
 * <p>The fields are the analysis's working state, read directly by the detector's parts in their loops.
 * One per detector, reused for every region ({@link #start}); the cell array only grows.
 */
final class MoveRegion {

    static final int CELL = 32;

    /** Differs from the shadow and is not accounted for yet. */
    static final byte CHANGED = 0;
    /** Equals the shadow. */
    static final byte UNCHANGED = 1;
    /** Changed, and shows what the shadow shows at the offset being verified. */
    static final byte MATCH = 2;
    /** Accounted for by a move (or left to a cheap fill). */
    static final byte MOVED = 3;
    /** Unchanged, and also shows what the shadow shows at the offset being verified. */
    static final byte SAME_MATCH = 4;
    /** A plain (one-colour) changed cell that matches at the offset being verified. */
    static final byte PLAIN_MATCH = 5;

    // the frame
    int[] fb;
    int[] shadow;
    int width;
    int height;
    // the region
    int x;
    int y;
    int w;
    int h;
    int cols;
    int rows;
    /** State of cell (cx, cy) at {@code cy * cols + cx}. */
    byte[] cells = new byte[256];
    /** Whether the cell states belong to the last region started (false when it was too small to analyse). */
    private boolean valid;

    /** Sets the pictures of the frame. */
    void frame(int[] framebuffer, int[] clientPicture, int screenWidth, int screenHeight) {
        fb = framebuffer;
        shadow = clientPicture;
        width = screenWidth;
        height = screenHeight;
    }

    /** Forgets the cell states of the last region: the next region is not analysed. */
    void invalidate() {
        valid = false;
    }

    /**
     * Takes a region of the frame and compares each of its cells with the shadow.
     *
     * @return the number of changed cells
     */
    int start(int rx, int ry, int rw, int rh) {
        x = rx;
        y = ry;
        w = rw;
        h = rh;
        cols = (rw + CELL - 1) / CELL;
        rows = (rh + CELL - 1) / CELL;
        if (cells.length < cols * rows) {
            cells = new byte[cols * rows];
        }
        int changed = 0;
        for (int cy = 0; cy < rows; cy++) {
            for (int cx = 0; cx < cols; cx++) {
                int x0 = cellX(cx);
                int y0 = cellY(cy);
                boolean same = equal(x0, y0, Math.min(CELL, x + w - x0), Math.min(CELL, y + h - y0), 0, 0);
                cells[cy * cols + cx] = same ? UNCHANGED : CHANGED;
                changed += same ? 0 : 1;
            }
        }
        valid = true;
        return changed;
    }

    /** @return the number of cells still {@link #CHANGED} */
    int countChanged() {
        int changed = 0;
        for (int i = 0; i < cols * rows; i++) {
            changed += cells[i] == CHANGED ? 1 : 0;
        }
        return changed;
    }

    /**
     * @return whether cell (cx, cy) of the last region started was found unchanged; false if that region
     *         was not analysed
     */
    boolean unchanged(int cx, int cy) {
        return valid && cells[cy * cols + cx] == UNCHANGED;
    }

    /** Ends the verification of an offset: matched cells are moved, unchanged ones stay unchanged. */
    void settleMatches() {
        for (int i = 0; i < cols * rows; i++) {
            if (cells[i] == MATCH) {
                cells[i] = MOVED;
            } else if (cells[i] == SAME_MATCH) {
                cells[i] = UNCHANGED;
            } else if (cells[i] == PLAIN_MATCH) {
                cells[i] = MOVED; // moved with its neighbours, or left to a cheap fill
            }
        }
    }

    int cellX(int cx) {
        return x + cx * CELL;
    }

    int cellY(int cy) {
        return y + cy * CELL;
    }

    /** @return whether cell (cx, cy) shows what the shadow shows at (ox, oy) from it */
    boolean cellMatches(int cx, int cy, int ox, int oy) {
        int x0 = cellX(cx);
        int y0 = cellY(cy);
        int cw = Math.min(CELL, x + w - x0);
        int ch = Math.min(CELL, y + h - y0);
        return x0 - ox >= 0 && y0 - oy >= 0 && x0 - ox + cw <= width && y0 - oy + ch <= height
                && equal(x0, y0, cw, ch, ox, oy);
    }

    /** @return whether cell (cx, cy) of the framebuffer is one colour */
    boolean cellUniform(int cx, int cy) {
        int x0 = cellX(cx);
        int y0 = cellY(cy);
        int cw = Math.min(CELL, x + w - x0);
        int ch = Math.min(CELL, y + h - y0);
        int c = fb[y0 * width + x0];
        for (int row = y0; row < y0 + ch; row++) {
            int p = row * width + x0;
            for (int i = 0; i < cw; i++) {
                if (fb[p + i] != c) {
                    return false;
                }
            }
        }
        return true;
    }

    /** @return whether the framebuffer's rectangle equals the shadow's rectangle offset by (-ox, -oy) */
    boolean equal(int rx, int ry, int rw, int rh, int ox, int oy) {
        int[] fb = this.fb;
        int[] shadow = this.shadow;
        int width = this.width;
        for (int row = ry; row < ry + rh; row++) {
            int a = row * width + rx;
            int b = (row - oy) * width + rx - ox;
            if (rw == 1 ? fb[a] != shadow[b] : !Arrays.equals(fb, a, a + rw, shadow, b, b + rw)) {
                return false;
            }
        }
        return true;
    }
}
