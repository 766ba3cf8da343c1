package io.deskport.gateway.display;

import java.util.Arrays;

/**
 * Finds changed screen content that the client already shows somewhere else — a scrolled terminal, a
 * dragged window — so that it can be sent as {@code copy} instead of re-encoded pixels. VNC servers
 * report at most one move per update (TigerVNC keeps one copy region), and a frame often spans several
 * updates, so the gateway looks for moves itself, comparing the new framebuffer with the client's
 * picture (the "shadow").
 *
 * <p>How: candidate offsets come from the server's own CopyRects (hints) and from anchors — short
 * distinctive rows of pixels taken from changed cells, searched for in the shadow straight above and
 * below (scrolling) and within {@value #RANGE} pixels around (moving windows). Each candidate offset is
 * verified pixel for pixel on {@value #CELL}×{@value #CELL} cells; matching cells are merged into
 * rectangles, grown to the exact edge of the moved content, checked once more against the client's
 * picture as it is at that point of the frame, and handed to the {@link Mover}. Whatever is not matched
 * is left for the image encoders: a wrong guess costs time, never a wrong picture.
 *
 * <p>Not thread-safe; one per display.
 */
final class MoveDetector {

    /** Receives a move found: the client copies (sx, sy, w, h) to (dx, dy), and the shadow must do the same. */
    interface Mover {
        void move(int sx, int sy, int w, int h, int dx, int dy);
    }

    static final int CELL = 32;
    /** Regions smaller than this are not worth searching (a typed character, a blinking cursor). */
    static final int MIN_AREA = 64 * 32;
    private static final int SEGMENT = 32;
    private static final int RANGE = 64;
    /** Content that moved last frame is looked for this close first (a window dragged at a few pixels per frame). */
    private static final int NEAR_RANGE = 16;
    private static final int MAX_ANCHORS = 16;
    private static final int MAX_LOCAL_ANCHORS = 4;
    private static final int MAX_LOCAL_ANCHORS_PER_FRAME = 6;
    private static final int TRACKED_ANCHORS = 4;
    /** Votes an offset found by anchors needs before it is verified, when there were enough anchors to agree. */
    private static final int MIN_VOTES = 2;
    private static final int MAX_MATCHES_PER_ANCHOR = 4;
    private static final int MAX_OFFSETS = 3;
    private static final int MIN_TRANSITIONS = 3;
    private static final int HINT_VOTES = 2;
    /** Rows of a cell tried for an anchor, in eighths of its height: the middle first, then spread out. */
    private static final int[] ROW_ORDER = {4, 2, 6, 1, 3, 5, 7, 0};

    private static final byte CHANGED = 0;
    private static final byte UNCHANGED = 1;
    private static final byte MATCH = 2;
    private static final byte MOVED = 3;
    private static final byte SAME_MATCH = 4;
    private static final byte PLAIN_MATCH = 5;

    private byte[] cells = new byte[256];
    private boolean statesValid;
    private int stateCols;
    private final int[] offsetX = new int[64];
    private final int[] offsetY = new int[64];
    private final int[] votes = new int[64];
    private int offsets;
    private int anchorsUsed;
    /** Anchors the wide (and costly) search may still use in this frame. */
    private int localBudget;
    private int frame;
    /** Offsets of the sideways moves found in the last frame: a dragged window tends to keep moving alike. */
    private final int[] lastLocal = new int[8];
    private final int[] nextLocal = new int[8];
    private int lastLocalCount;
    private int nextLocalCount;
    /** Where content moved sideways to in the last frame (x, y, w, h): what the client shows there now. */
    private final int[] tracked = new int[16];
    private final int[] nextTracked = new int[16];
    private int trackedCount;
    private int nextTrackedCount;
    private final int[] matchX = new int[MAX_MATCHES_PER_ANCHOR];
    private final int[] matchY = new int[MAX_MATCHES_PER_ANCHOR];
    private int[] rects = new int[64 * 4];
    private int rectCount;

    /**
     * Looks for moved content in one changed region and reports every move found to {@code mover}, in an
     * order the client can apply one after the other.
     *
     * @param fb     the framebuffer as it is now
     * @param shadow what the client shows; updated by the mover, read again after each move
     * @param hints  offsets ({@code dx - sx}, {@code dy - sy}) of the server's CopyRects since the last frame, as pairs
     * @return the number of moves reported
     */
    int detect(int[] fb, int[] shadow, int width, int height, int rx, int ry, int rw, int rh, int[] hints, int hintCount,
               Mover mover) {
        statesValid = false;
        if (rw * rh < MIN_AREA || rw < SEGMENT) {
            return 0;
        }
        int cols = (rw + CELL - 1) / CELL;
        int rows = (rh + CELL - 1) / CELL;
        if (cells.length < cols * rows) {
            cells = new byte[cols * rows];
        }
        int changed = 0;
        for (int cy = 0; cy < rows; cy++) {
            for (int cx = 0; cx < cols; cx++) {
                int x0 = rx + cx * CELL;
                int y0 = ry + cy * CELL;
                boolean same = equal(fb, shadow, width, x0, y0, Math.min(CELL, rx + rw - x0), Math.min(CELL, ry + rh - y0), 0, 0);
                cells[cy * cols + cx] = same ? UNCHANGED : CHANGED;
                changed += same ? 0 : 1;
            }
        }
        statesValid = true;
        stateCols = cols;
        if (changed == 0) {
            return 0;
        }
        // First the server's moves and scrolling (straight up or down), then, for what is left, moves nearby.
        offsets = 0;
        for (int i = 0; i < hintCount; i++) {
            vote(hints[2 * i], hints[2 * i + 1], HINT_VOTES);
        }
        findAnchorOffsets(fb, shadow, width, height, rx, ry, rw, rh, cols, rows, changed, true);
        int moves = applyBestOffsets(fb, shadow, width, height, rx, ry, rw, rh, cols, rows, mover);
        changed = 0;
        for (int i = 0; i < cols * rows; i++) {
            changed += cells[i] == CHANGED ? 1 : 0;
        }
        if (changed > 0) {
            // Cheapest first: the last frame's sideways moves again, then where the content that moved last
            // frame went (near first), and only if neither finds anything, a search from random anchors.
            offsets = 0;
            for (int i = 0; i < lastLocalCount; i++) {
                vote(lastLocal[2 * i], lastLocal[2 * i + 1], HINT_VOTES);
            }
            int followed = offsets > 0 ? applyBestOffsets(fb, shadow, width, height, rx, ry, rw, rh, cols, rows, mover) : 0;
            for (int radius = NEAR_RANGE; followed == 0 && radius <= RANGE; radius += RANGE - NEAR_RANGE) {
                offsets = 0;
                followTrackedContent(fb, shadow, width, height, rx, ry, rw, rh, radius);
                followed = offsets > 0 ? applyBestOffsets(fb, shadow, width, height, rx, ry, rw, rh, cols, rows, mover) : 0;
            }
            moves += followed;
            if (followed == 0) {
                // Nothing known moved on: look around at random, within the frame's budget.
                offsets = 0;
                findAnchorOffsets(fb, shadow, width, height, rx, ry, rw, rh, cols, rows, changed, false);
                moves += applyBestOffsets(fb, shadow, width, height, rx, ry, rw, rh, cols, rows, mover);
            }
        }
        return moves;
    }

    private void remember(int ox, int oy) {
        for (int i = 0; i < nextLocalCount; i++) {
            if (nextLocal[2 * i] == ox && nextLocal[2 * i + 1] == oy) {
                return;
            }
        }
        if (nextLocalCount < nextLocal.length / 2) {
            nextLocal[2 * nextLocalCount] = ox;
            nextLocal[2 * nextLocalCount + 1] = oy;
            nextLocalCount++;
        }
    }

    /** Remembers where content moved sideways to: next frame it will likely move on from there. */
    private void track(int x, int y, int w, int h) {
        for (int i = 0; i < nextTrackedCount; i++) {
            int[] t = nextTracked;
            int o = 4 * i;
            if (x < t[o] + t[o + 2] && t[o] < x + w && y < t[o + 1] + t[o + 3] && t[o + 1] < y + h) {
                int x0 = Math.min(x, t[o]);
                int y0 = Math.min(y, t[o + 1]);
                t[o + 2] = Math.max(x + w, t[o] + t[o + 2]) - x0;
                t[o + 3] = Math.max(y + h, t[o + 1] + t[o + 3]) - y0;
                t[o] = x0;
                t[o + 1] = y0;
                return;
            }
        }
        if (w * h >= MIN_AREA && nextTrackedCount < nextTracked.length / 4) {
            nextTracked[4 * nextTrackedCount] = x;
            nextTracked[4 * nextTrackedCount + 1] = y;
            nextTracked[4 * nextTrackedCount + 2] = w;
            nextTracked[4 * nextTrackedCount + 3] = h;
            nextTrackedCount++;
        }
    }

    /**
     * For content that moved sideways in the last frame (a dragged window), takes anchors from where the
     * client shows it now and looks for them in the framebuffer nearby: they are known to be that content,
     * unlike anchors taken at random from what changed (mostly new text when a terminal scrolls too).
     */
    private void followTrackedContent(int[] fb, int[] shadow, int width, int height, int rx, int ry, int rw, int rh,
                                      int range) {
        for (int t = 0; t < trackedCount; t++) {
            int tx = tracked[4 * t];
            int ty = tracked[4 * t + 1];
            int tw = tracked[4 * t + 2];
            int th = tracked[4 * t + 3];
            if (tx >= rx + rw + RANGE || rx >= tx + tw + RANGE || ty >= ry + rh + RANGE || ry >= ty + th + RANGE || tw < SEGMENT) {
                continue;
            }
            for (int k = 0; k < TRACKED_ANCHORS; k++) {
                int x = tx + (tw - SEGMENT) * (k % 2 == 0 ? 1 : 3) / 4;
                int y = texturedRow(shadow, width, x, ty + th * k / TRACKED_ANCHORS, Math.max(1, th / TRACKED_ANCHORS));
                if (y < 0) {
                    continue;
                }
                int a = y * width + x;
                int k1 = nextChange(shadow, a, 0);
                int c0 = shadow[a];
                int c1 = shadow[a + k1];
                int n = 0;
                int sxTo = Math.min(Math.min(width - SEGMENT, rx + rw - SEGMENT), x + range);
                int syTo = Math.min(Math.min(height - 1, ry + rh - 1), y + range);
                for (int sy = Math.max(ry, y - range); sy <= syTo && n <= MAX_MATCHES_PER_ANCHOR; sy++) {
                    int base = sy * width;
                    for (int sx = Math.max(rx, x - range); sx <= sxTo; sx++) {
                        int b = base + sx;
                        if (fb[b + k1] == c1 && fb[b] == c0 && (sx != x || sy != y) && segmentEqual(shadow, a, fb, b)) {
                            n = addMatch(n, sx - x, sy - y);
                            if (n > MAX_MATCHES_PER_ANCHOR) {
                                break;
                            }
                        }
                    }
                }
                if (n <= MAX_MATCHES_PER_ANCHOR) {
                    for (int m = 0; m < n; m++) {
                        vote(matchX[m], matchY[m], HINT_VOTES);
                    }
                }
            }
        }
    }

    /** Starts a frame: resets the budget of the wide search and remembers the last frame's nearby moves. */
    void startFrame() {
        frame++;
        localBudget = MAX_LOCAL_ANCHORS_PER_FRAME;
        System.arraycopy(nextLocal, 0, lastLocal, 0, nextLocal.length);
        lastLocalCount = nextLocalCount;
        nextLocalCount = 0;
        System.arraycopy(nextTracked, 0, tracked, 0, nextTracked.length);
        trackedCount = nextTrackedCount;
        nextTrackedCount = 0;
    }

    private int applyBestOffsets(int[] fb, int[] shadow, int width, int height, int rx, int ry, int rw, int rh,
                                 int cols, int rows, Mover mover) {
        int moves = 0;
        for (int attempt = 0; attempt < MAX_OFFSETS && offsets > 0; attempt++) {
            int best = 0;
            for (int i = 1; i < offsets; i++) {
                if (votes[i] > votes[best]) {
                    best = i;
                }
            }
            if (votes[best] < MIN_VOTES && anchorsUsed >= 2 * MIN_VOTES) {
                break;
            }
            int ox = offsetX[best];
            int oy = offsetY[best];
            offsets--;
            offsetX[best] = offsetX[offsets];
            offsetY[best] = offsetY[offsets];
            votes[best] = votes[offsets];
            int found = applyOffset(fb, shadow, width, height, rx, ry, rw, rh, cols, rows, ox, oy, mover);
            if (found > 0 && ox != 0) {
                remember(ox, oy);
            }
            moves += found;
        }
        return moves;
    }

    private void vote(int ox, int oy, int weight) {
        if (ox == 0 && oy == 0) {
            return;
        }
        for (int i = 0; i < offsets; i++) {
            if (offsetX[i] == ox && offsetY[i] == oy) {
                votes[i] += weight;
                return;
            }
        }
        if (offsets < offsetX.length) {
            offsetX[offsets] = ox;
            offsetY[offsets] = oy;
            votes[offsets] = weight;
            offsets++;
        }
    }

    /**
     * Takes anchors from changed cells, spread over the region, and votes for where the client shows them:
     * straight above or below within the region ({@code vertical}), or anywhere within {@value #RANGE}
     * pixels.
     */
    private void findAnchorOffsets(int[] fb, int[] shadow, int width, int height, int rx, int ry, int rw, int rh,
                                   int cols, int rows, int changed, boolean vertical) {
        int anchors = vertical ? MAX_ANCHORS : Math.min(MAX_LOCAL_ANCHORS, localBudget);
        anchorsUsed = 0;
        if (anchors == 0) {
            return;
        }
        int step = Math.max(1, changed / anchors);
        int phase = frame % step; // successive frames take anchors from different cells
        int seen = 0;
        for (int i = 0; i < cols * rows && anchorsUsed < anchors; i++) {
            if (cells[i] != CHANGED || (seen++ + phase) % step != 0) {
                continue;
            }
            int cx = i % cols;
            int cy = i / cols;
            int x = Math.max(rx, Math.min(rx + cx * CELL, rx + rw - SEGMENT));
            int y0 = ry + cy * CELL;
            int ch = Math.min(CELL, ry + rh - y0);
            int y = texturedRow(fb, width, x, y0, ch);
            if (y < 0) {
                continue;
            }
            anchorsUsed++;
            if (!vertical) {
                localBudget--;
            }
            int a = y * width + x;
            // The pixels after the first three colour changes: with the first one, four checks reject almost
            // any position before the whole segment is compared.
            int k1 = nextChange(fb, a, 0);
            int k2 = nextChange(fb, a, k1);
            int k3 = nextChange(fb, a, k2);
            // Check the pixels of the segment's rarer colour first (the foreground of text): most positions
            // fail at the first check.
            int dominant = 0;
            for (int j = 0; j < SEGMENT; j++) {
                dominant += fb[a + j] == fb[a] ? 1 : 0;
            }
            int p0 = dominant > SEGMENT / 2 ? k1 : 0;
            int p1 = dominant > SEGMENT / 2 ? k3 : k2;
            int p2 = dominant > SEGMENT / 2 ? 0 : k1;
            int p3 = dominant > SEGMENT / 2 ? k2 : k3;
            int c0 = fb[a + p0];
            int c1 = fb[a + p1];
            int c2 = fb[a + p2];
            int c3 = fb[a + p3];
            int n = 0;
            if (vertical) {
                int to = Math.min(height, ry + rh + RANGE);
                for (int sy = Math.max(0, ry - RANGE); sy < to && n <= MAX_MATCHES_PER_ANCHOR; sy++) {
                    int b = sy * width + x;
                    if (shadow[b + p0] == c0 && shadow[b + p1] == c1 && shadow[b + p2] == c2 && shadow[b + p3] == c3
                            && sy != y && segmentEqual(fb, a, shadow, b)) {
                        n = addMatch(n, 0, y - sy);
                    }
                }
            } else {
                int sxTo = Math.min(width - SEGMENT, x + RANGE);
                int syTo = Math.min(height - 1, y + RANGE);
                for (int sy = Math.max(0, y - RANGE); sy <= syTo && n <= MAX_MATCHES_PER_ANCHOR; sy++) {
                    int base = sy * width;
                    for (int sx = Math.max(0, x - RANGE); sx <= sxTo; sx++) {
                        int b = base + sx;
                        if (shadow[b + p0] == c0 && shadow[b + p1] == c1 && shadow[b + p2] == c2 && shadow[b + p3] == c3
                                && sx != x && segmentEqual(fb, a, shadow, b)) {
                            n = addMatch(n, x - sx, y - sy);
                            if (n > MAX_MATCHES_PER_ANCHOR) {
                                break;
                            }
                        }
                    }
                }
            }
            if (n <= MAX_MATCHES_PER_ANCHOR) { // more matches than that: an ambiguous anchor, no vote
                for (int m = 0; m < n; m++) {
                    vote(matchX[m], matchY[m], 1);
                }
            }
        }
    }

    /** @return the index after {@code from} where the segment at {@code a} changes colour (texturedRow ensures there is one) */
    private static int nextChange(int[] fb, int a, int from) {
        int k = from + 1;
        while (k < SEGMENT - 1 && fb[a + k] == fb[a + k - 1]) {
            k++;
        }
        return k;
    }

    private int addMatch(int n, int ox, int oy) {
        if (n < MAX_MATCHES_PER_ANCHOR) {
            matchX[n] = ox;
            matchY[n] = oy;
        }
        return n + 1;
    }

    /** @return a row of the cell whose segment at x has a few colour changes (so it is unlikely to repeat), or -1 */
    private static int texturedRow(int[] fb, int width, int x, int y0, int h) {
        for (int eighth : ROW_ORDER) {
            int y = y0 + eighth * h / 8;
            int p = y * width + x;
            int transitions = 0;
            for (int i = 1; i < SEGMENT; i++) {
                if (fb[p + i] != fb[p + i - 1]) {
                    transitions++;
                }
            }
            if (transitions >= MIN_TRANSITIONS) {
                return y;
            }
        }
        return -1;
    }

    private static boolean segmentEqual(int[] fb, int a, int[] shadow, int b) {
        return fb[a + SEGMENT - 1] == shadow[b + SEGMENT - 1] && Arrays.equals(fb, a, a + SEGMENT, shadow, b, b + SEGMENT);
    }

    /** @return whether cell (cx, cy) of the region shows what the shadow shows at (ox, oy) from it */
    private static boolean cellMatches(int[] fb, int[] shadow, int width, int height, int rx, int ry, int rw, int rh,
                                       int cx, int cy, int ox, int oy) {
        int x0 = rx + cx * CELL;
        int y0 = ry + cy * CELL;
        int w = Math.min(CELL, rx + rw - x0);
        int h = Math.min(CELL, ry + rh - y0);
        return sourceInside(x0, y0, w, h, ox, oy, width, height) && equal(fb, shadow, width, x0, y0, w, h, ox, oy);
    }

    /** Verifies one offset on the changed cells, then reports the matching areas as moves. */
    private int applyOffset(int[] fb, int[] shadow, int width, int height, int rx, int ry, int rw, int rh,
                            int cols, int rows, int ox, int oy, Mover mover) {
        int matched = 0;
        for (int cy = 0; cy < rows; cy++) {
            for (int cx = 0; cx < cols; cx++) {
                int i = cy * cols + cx;
                if (cells[i] != CHANGED || !cellMatches(fb, shadow, width, height, rx, ry, rw, rh, cx, cy, ox, oy)) {
                    continue;
                }
                int x0 = rx + cx * CELL;
                int y0 = ry + cy * CELL;
                // A plain cell matches anywhere plain: it may join a move, but does not make one.
                if (uniform(fb, width, x0, y0, Math.min(CELL, rx + rw - x0), Math.min(CELL, ry + rh - y0))) {
                    cells[i] = PLAIN_MATCH;
                } else {
                    cells[i] = MATCH;
                    matched++;
                }
            }
        }
        if (matched == 0) {
            return 0;
        }
        // Unchanged cells that also match (a blank line inside a scrolled terminal) join the moved areas, so
        // that they make a few large copies rather than many small ones.
        for (int cy = 0; cy < rows; cy++) {
            for (int cx = 0; cx < cols; cx++) {
                int i = cy * cols + cx;
                if (cells[i] == UNCHANGED && cellMatches(fb, shadow, width, height, rx, ry, rw, rh, cx, cy, ox, oy)) {
                    cells[i] = SAME_MATCH;
                }
            }
        }
        collectRects(cols, rows);
        sortForOffset(ox, oy);
        int moves = 0;
        for (int k = 0; k < rectCount; k++) {
            int x0 = rx + rects[4 * k] * CELL;
            int x1 = Math.min(rx + rw, rx + rects[4 * k + 1] * CELL);
            int y0 = ry + rects[4 * k + 2] * CELL;
            int y1 = Math.min(ry + rh, ry + rects[4 * k + 3] * CELL);
            // Grow to the moved content's exact edges (cells rarely line up with a window's border).
            int limit = CELL;
            while (limit-- > 0 && y0 > ry && y0 - 1 - oy >= 0 && equal(fb, shadow, width, x0, y0 - 1, x1 - x0, 1, ox, oy)) {
                y0--;
            }
            limit = CELL;
            while (limit-- > 0 && y1 < ry + rh && y1 - oy < height && equal(fb, shadow, width, x0, y1, x1 - x0, 1, ox, oy)) {
                y1++;
            }
            limit = CELL;
            while (limit-- > 0 && x0 > rx && x0 - 1 - ox >= 0 && equal(fb, shadow, width, x0 - 1, y0, 1, y1 - y0, ox, oy)) {
                x0--;
            }
            limit = CELL;
            while (limit-- > 0 && x1 < rx + rw && x1 - ox < width && equal(fb, shadow, width, x1, y0, 1, y1 - y0, ox, oy)) {
                x1++;
            }
            // Earlier moves of this frame may have overwritten the source: check against the client's picture now.
            if (equal(fb, shadow, width, x0, y0, x1 - x0, y1 - y0, ox, oy)) {
                mover.move(x0 - ox, y0 - oy, x1 - x0, y1 - y0, x0, y0);
                if (ox != 0) {
                    track(x0, y0, x1 - x0, y1 - y0);
                }
                moves++;
            }
        }
        for (int i = 0; i < cols * rows; i++) {
            if (cells[i] == MATCH) {
                cells[i] = MOVED;
            } else if (cells[i] == SAME_MATCH) {
                cells[i] = UNCHANGED;
            } else if (cells[i] == PLAIN_MATCH) {
                cells[i] = MOVED; // moved with its neighbours, or left to a cheap fill
            }
        }
        return moves;
    }

    /** Merges MATCH cells into rectangles of cells: runs along each row, stacked when they line up. */
    private void collectRects(int cols, int rows) {
        rectCount = 0;
        for (int cy = 0; cy < rows; cy++) {
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
                int k = 0;
                while (k < rectCount && !(rects[4 * k] == start && rects[4 * k + 1] == cx && rects[4 * k + 3] == cy)) {
                    k++;
                }
                if (k < rectCount) {
                    rects[4 * k + 3] = cy + 1;
                    continue;
                }
                if (4 * rectCount + 4 > rects.length) {
                    rects = Arrays.copyOf(rects, rects.length * 2);
                }
                rects[4 * rectCount] = start;
                rects[4 * rectCount + 1] = cx;
                rects[4 * rectCount + 2] = cy;
                rects[4 * rectCount + 3] = cy + 1;
                rectCount++;
            }
        }
        // Rectangles of unchanged cells only need no move.
        int kept = 0;
        for (int k = 0; k < rectCount; k++) {
            if (holdsMatch(k, cols)) {
                System.arraycopy(rects, 4 * k, rects, 4 * kept, 4);
                kept++;
            }
        }
        rectCount = kept;
    }

    private boolean nextToMatch(int cx, int cy, int cols, int rows) {
        return (cx > 0 && cells[cy * cols + cx - 1] == MATCH) || (cx + 1 < cols && cells[cy * cols + cx + 1] == MATCH)
                || (cy > 0 && cells[(cy - 1) * cols + cx] == MATCH) || (cy + 1 < rows && cells[(cy + 1) * cols + cx] == MATCH);
    }

    /**
     * @return whether the cell at (cx, cy) of the region last passed to {@link #detect} (cells of
     *         {@value #CELL} pixels from the region's corner) was found unchanged; false if it was not looked at
     */
    boolean unchanged(int cx, int cy) {
        return statesValid && cells[cy * stateCols + cx] == UNCHANGED;
    }

    private static boolean matchable(byte state) {
        return state == MATCH || state == SAME_MATCH || state == PLAIN_MATCH;
    }

    private boolean holdsMatch(int k, int cols) {
        for (int cy = rects[4 * k + 2]; cy < rects[4 * k + 3]; cy++) {
            for (int cx = rects[4 * k]; cx < rects[4 * k + 1]; cx++) {
                if (cells[cy * cols + cx] == MATCH) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Orders the rectangles so that no move overwrites the source of a later one (as far as one offset goes). */
    private void sortForOffset(int ox, int oy) {
        // Insertion sort: a handful of rectangles.
        for (int i = 1; i < rectCount; i++) {
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

    private static boolean uniform(int[] fb, int width, int x, int y, int w, int h) {
        int c = fb[y * width + x];
        for (int row = y; row < y + h; row++) {
            int p = row * width + x;
            for (int i = 0; i < w; i++) {
                if (fb[p + i] != c) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean sourceInside(int x, int y, int w, int h, int ox, int oy, int width, int height) {
        return x - ox >= 0 && y - oy >= 0 && x - ox + w <= width && y - oy + h <= height;
    }

    /** @return whether the framebuffer's rectangle equals the shadow's rectangle offset by (-ox, -oy) */
    static boolean equal(int[] fb, int[] shadow, int width, int x, int y, int w, int h, int ox, int oy) {
        for (int row = y; row < y + h; row++) {
            int a = row * width + x;
            int b = (row - oy) * width + x - ox;
            if (w == 1 ? fb[a] != shadow[b] : !Arrays.equals(fb, a, a + w, shadow, b, b + w)) {
                return false;
            }
        }
        return true;
    }
}
