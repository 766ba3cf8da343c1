package io.deskport.gateway.display;

import java.util.Arrays;

/**
 * Finds candidate offsets of moved content from anchors: short distinctive rows of pixels
 * ({@value #SEGMENT} pixels with a few colour changes) looked for again elsewhere. Anchors from a region's
 * changed cells are looked for in the shadow straight above and below (scrolling) or within
 * {@value #RANGE} pixels around (a moving window, with a small budget per frame); anchors from where
 * content moved to in the last frame are looked for in the framebuffer nearby. Every place an anchor is
 * found again votes for its offset; an anchor found in too many places votes for none. Verifying the
 * offsets is the {@link OffsetVerifier}'s part.
 */
final class AnchorSearch {

    static final int SEGMENT = 32;
    static final int RANGE = 64;
    private static final int MAX_ANCHORS = 16;
    private static final int MAX_LOCAL_ANCHORS = 4;
    private static final int MAX_LOCAL_ANCHORS_PER_FRAME = 6;
    private static final int TRACKED_ANCHORS = 4;
    private static final int MAX_MATCHES_PER_ANCHOR = 4;
    private static final int MIN_TRANSITIONS = 3;
    /** Rows of a cell tried for an anchor, in eighths of its height: the middle first, then spread out. */
    private static final int[] ROW_ORDER = {4, 2, 6, 1, 3, 5, 7, 0};

    private int frame;
    /** Anchors the wide (and costly) search may still use in this frame. */
    private int localBudget;
    private final int[] matchX = new int[MAX_MATCHES_PER_ANCHOR];
    private final int[] matchY = new int[MAX_MATCHES_PER_ANCHOR];
    // The anchor being looked for: its segment starts at framebuffer index `anchor`, at (anchorX, anchorY);
    // the pixels at offsets p0..p3 of the segment have colours c0..c3 and are checked before the whole segment.
    private int anchor;
    private int anchorX;
    private int anchorY;
    private int p0;
    private int p1;
    private int p2;
    private int p3;
    private int c0;
    private int c1;
    private int c2;
    private int c3;

    /** Starts a frame: resets the budget of the wide search; successive frames take anchors from other cells. */
    void startFrame() {
        frame++;
        localBudget = MAX_LOCAL_ANCHORS_PER_FRAME;
    }

    /**
     * Takes anchors from the region's changed cells, spread over the region, and votes for where the client
     * shows them: straight above or below within the region ({@code vertical}), or anywhere within
     * {@value #RANGE} pixels (at most the frame's remaining budget).
     *
     * @param changed the number of changed cells
     */
    void search(MoveRegion r, int changed, boolean vertical, OffsetVotes votes) {
        int anchors = vertical ? MAX_ANCHORS : Math.min(MAX_LOCAL_ANCHORS, localBudget);
        int used = 0;
        if (anchors > 0) {
            int step = Math.max(1, changed / anchors);
            int phase = frame % step; // successive frames take anchors from different cells
            int seen = 0;
            byte[] cells = r.cells;
            for (int i = 0; i < r.cols * r.rows && used < anchors; i++) {
                if (cells[i] != MoveRegion.CHANGED || (seen++ + phase) % step != 0 || !aimAt(r, i)) {
                    continue;
                }
                used++;
                if (!vertical) {
                    localBudget--;
                }
                voteMatches(searchShadow(r, vertical), 1, votes);
            }
        }
        votes.anchorsUsed(used);
    }

    /**
     * For content that moved sideways in the last frame (a dragged window), takes anchors from where the
     * client shows it now and looks for them in the framebuffer within {@code range} pixels: they are known
     * to be that content, unlike anchors taken at random from what changed (mostly new text when a terminal
     * scrolls too).
     */
    void followTracked(MoveRegion r, RecentMoves recent, int range, OffsetVotes votes) {
        for (int t = 0; t < recent.trackedCount(); t++) {
            int tx = recent.tracked(t, 0);
            int ty = recent.tracked(t, 1);
            int tw = recent.tracked(t, 2);
            int th = recent.tracked(t, 3);
            if (tx >= r.x + r.w + RANGE || r.x >= tx + tw + RANGE || ty >= r.y + r.h + RANGE || r.y >= ty + th + RANGE
                    || tw < SEGMENT) {
                continue;
            }
            for (int k = 0; k < TRACKED_ANCHORS; k++) {
                int x = tx + (tw - SEGMENT) * (k % 2 == 0 ? 1 : 3) / 4;
                int rowsPerAnchor = Math.max(1, th / TRACKED_ANCHORS);
                int y = texturedRow(r.shadow, r.width, x, ty + th * k / TRACKED_ANCHORS, rowsPerAnchor);
                if (y >= 0) {
                    voteMatches(searchFramebuffer(r, x, y, range), OffsetVotes.STRONG, votes);
                }
            }
        }
    }

    /** Takes the anchor of changed cell {@code cell}. @return false if the cell has no textured row */
    private boolean aimAt(MoveRegion r, int cell) {
        int x = Math.max(r.x, Math.min(r.cellX(cell % r.cols), r.x + r.w - SEGMENT));
        int y0 = r.cellY(cell / r.cols);
        int y = texturedRow(r.fb, r.width, x, y0, Math.min(MoveRegion.CELL, r.y + r.h - y0));
        if (y < 0) {
            return false;
        }
        anchorX = x;
        anchorY = y;
        anchor = y * r.width + x;
        probe(r.fb, anchor);
        return true;
    }

    /** Chooses the pixels of the anchor's segment that are checked first, and their colours. */
    private void probe(int[] fb, int a) {
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
        p0 = dominant > SEGMENT / 2 ? k1 : 0;
        p1 = dominant > SEGMENT / 2 ? k3 : k2;
        p2 = dominant > SEGMENT / 2 ? 0 : k1;
        p3 = dominant > SEGMENT / 2 ? k2 : k3;
        c0 = fb[a + p0];
        c1 = fb[a + p1];
        c2 = fb[a + p2];
        c3 = fb[a + p3];
    }

    /**
     * @return how often the anchor was found in the shadow: straight above or below it ({@code vertical}),
     *         or within {@value #RANGE} pixels sideways
     */
    private int searchShadow(MoveRegion r, boolean vertical) {
        int[] fb = r.fb;
        int[] shadow = r.shadow;
        int width = r.width;
        int a = anchor;
        int x = anchorX;
        int y = anchorY;
        int p0 = this.p0, p1 = this.p1, p2 = this.p2, p3 = this.p3;
        int c0 = this.c0, c1 = this.c1, c2 = this.c2, c3 = this.c3;
        int n = 0;
        if (vertical) {
            int to = Math.min(r.height, r.y + r.h + RANGE);
            for (int sy = Math.max(0, r.y - RANGE); sy < to && n <= MAX_MATCHES_PER_ANCHOR; sy++) {
                int b = sy * width + x;
                if (shadow[b + p0] == c0 && shadow[b + p1] == c1 && shadow[b + p2] == c2 && shadow[b + p3] == c3
                        && sy != y && segmentEqual(fb, a, shadow, b)) {
                    n = addMatch(n, 0, y - sy);
                }
            }
            return n;
        }
        int sxTo = Math.min(width - SEGMENT, x + RANGE);
        int syTo = Math.min(r.height - 1, y + RANGE);
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
        return n;
    }

    /** @return how often the shadow's segment at (x, y) was found elsewhere in the region's framebuffer nearby */
    private int searchFramebuffer(MoveRegion r, int x, int y, int range) {
        int[] fb = r.fb;
        int[] shadow = r.shadow;
        int width = r.width;
        int a = y * width + x;
        int k1 = nextChange(shadow, a, 0);
        int c0 = shadow[a];
        int c1 = shadow[a + k1];
        int n = 0;
        int sxTo = Math.min(Math.min(width - SEGMENT, r.x + r.w - SEGMENT), x + range);
        int syTo = Math.min(Math.min(r.height - 1, r.y + r.h - 1), y + range);
        for (int sy = Math.max(r.y, y - range); sy <= syTo && n <= MAX_MATCHES_PER_ANCHOR; sy++) {
            int base = sy * width;
            for (int sx = Math.max(r.x, x - range); sx <= sxTo; sx++) {
                int b = base + sx;
                if (fb[b + k1] == c1 && fb[b] == c0 && (sx != x || sy != y) && segmentEqual(shadow, a, fb, b)) {
                    n = addMatch(n, sx - x, sy - y);
                    if (n > MAX_MATCHES_PER_ANCHOR) {
                        break;
                    }
                }
            }
        }
        return n;
    }

    /** Votes for the offsets of an anchor's matches; more matches than are kept: an ambiguous anchor, no vote. */
    private void voteMatches(int n, int weight, OffsetVotes votes) {
        if (n <= MAX_MATCHES_PER_ANCHOR) {
            for (int m = 0; m < n; m++) {
                votes.vote(matchX[m], matchY[m], weight);
            }
        }
    }

    private int addMatch(int n, int ox, int oy) {
        if (n < MAX_MATCHES_PER_ANCHOR) {
            matchX[n] = ox;
            matchY[n] = oy;
        }
        return n + 1;
    }

    /**
     * @return the index after {@code from} where the segment at {@code a} changes colour (texturedRow ensures
     *         there is one)
     */
    private static int nextChange(int[] fb, int a, int from) {
        int k = from + 1;
        while (k < SEGMENT - 1 && fb[a + k] == fb[a + k - 1]) {
            k++;
        }
        return k;
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
        return fb[a + SEGMENT - 1] == shadow[b + SEGMENT - 1]
                && Arrays.equals(fb, a, a + SEGMENT, shadow, b, b + SEGMENT);
    }
}
