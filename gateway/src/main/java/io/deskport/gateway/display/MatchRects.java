package io.deskport.gateway.display;

import java.util.Arrays;

/**
 * The rectangles of cells that the {@link OffsetVerifier} sends as moves for one offset: runs of matching
 * cells along each row of a region, stacked when they line up, without those that hold no changed cell,
 * ordered so that no move overwrites the source of a later one. Coordinates are in cells of the region.
 */
final class MatchRects {

    /** Per rectangle: first column, column after the last, first row, row after the last. */
    private int[] rects = new int[64 * 4];
    private int count;

    /** Collects the rectangles of the region's matching cells (MATCH, SAME_MATCH, PLAIN_MATCH). */
    void collect(MoveRegion r) {
        count = 0;
        byte[] cells = r.cells;
        int cols = r.cols;
        for (int cy = 0; cy < r.rows; cy++) {
            int cx = 0;
            while (cx < cols) {
                if (!matchable(cells[cy * cols + cx])) {
                    cx++;
                    continue;
                }
                int start = cx;
                while (cx < cols && matchable(cells[cy * cols + cx])) {
                    cx++;
                }
                addRun(start, cx, cy);
            }
        }
        dropUnchanged(r);
    }

    /** Adds the run of cells [start, end) of row cy: below a rectangle of the same columns, or on its own. */
    private void addRun(int start, int end, int cy) {
        int k = 0;
        while (k < count && !(rects[4 * k] == start && rects[4 * k + 1] == end && rects[4 * k + 3] == cy)) {
            k++;
        }
        if (k < count) {
            rects[4 * k + 3] = cy + 1;
            return;
        }
        if (4 * count + 4 > rects.length) {
            rects = Arrays.copyOf(rects, rects.length * 2);
        }
        rects[4 * count] = start;
        rects[4 * count + 1] = end;
        rects[4 * count + 2] = cy;
        rects[4 * count + 3] = cy + 1;
        count++;
    }

    /** Rectangles of unchanged (and plain) cells only need no move. */
    private void dropUnchanged(MoveRegion r) {
        int kept = 0;
        for (int k = 0; k < count; k++) {
            if (holdsMatch(r, k)) {
                System.arraycopy(rects, 4 * k, rects, 4 * kept, 4);
                kept++;
            }
        }
        count = kept;
    }

    private boolean holdsMatch(MoveRegion r, int k) {
        for (int cy = rects[4 * k + 2]; cy < rects[4 * k + 3]; cy++) {
            for (int cx = rects[4 * k]; cx < rects[4 * k + 1]; cx++) {
                if (r.cells[cy * r.cols + cx] == MoveRegion.MATCH) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean matchable(byte state) {
        return state == MoveRegion.MATCH || state == MoveRegion.SAME_MATCH || state == MoveRegion.PLAIN_MATCH;
    }

    /** Orders the rectangles so that no move overwrites the source of a later one (as far as one offset goes). */
    void sortFor(int ox, int oy) {
        // Insertion sort: a handful of rectangles.
        for (int i = 1; i < count; i++) {
            for (int j = i; j > 0 && before(j, j - 1, ox, oy); j--) {
                for (int f = 0; f < 4; f++) {
                    int t = rects[4 * j + f];
                    rects[4 * j + f] = rects[4 * (j - 1) + f];
                    rects[4 * (j - 1) + f] = t;
                }
            }
        }
    }

    private boolean before(int a, int b, int ox, int oy) {
        int ya = rects[4 * a + 2];
        int yb = rects[4 * b + 2];
        if (ya != yb && oy != 0) {
            return oy > 0 ? ya > yb : ya < yb;
        }
        int xa = rects[4 * a];
        int xb = rects[4 * b];
        return ox > 0 ? xa > xb : xa < xb;
    }

    int count() {
        return count;
    }

    /** @return the first column of rectangle k */
    int left(int k) {
        return rects[4 * k];
    }

    /** @return the column after the last of rectangle k */
    int right(int k) {
        return rects[4 * k + 1];
    }

    /** @return the first row of rectangle k */
    int top(int k) {
        return rects[4 * k + 2];
    }

    /** @return the row after the last of rectangle k */
    int bottom(int k) {
        return rects[4 * k + 3];
    }
}
