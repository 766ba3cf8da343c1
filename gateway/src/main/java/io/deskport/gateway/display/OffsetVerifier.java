package io.deskport.gateway.display;

/**
 * Verifies one candidate offset of a region pixel for pixel and reports what it finds as moves: changed
 * cells that show what the shadow shows at the offset are merged with the matching cells around them
 * into rectangles ({@link MatchRects}), each grown to the exact edge of the moved content, checked once
 * more against the shadow as it is at that point of the frame (earlier moves change it) and handed to the
 * {@link MoveDetector.Mover}. Sideways moves are remembered for the next frame ({@link RecentMoves}).
 */
final class OffsetVerifier {

    private static final int CELL = MoveRegion.CELL;

    private final MatchRects rects = new MatchRects();
    private final RecentMoves recent;
    private final MoveDetector.Mover mover;

    OffsetVerifier(RecentMoves recent, MoveDetector.Mover mover) {
        this.recent = recent;
        this.mover = mover;
    }

    /**
     * Verifies the offset on the region's changed cells and reports the matching areas as moves.
     *
     * @return the number of moves reported
     */
    int apply(MoveRegion r, int ox, int oy) {
        if (markMatches(r, ox, oy) == 0) {
            return 0;
        }
        // Unchanged cells that also match (a blank line inside a scrolled terminal) join the moved areas, so
        // that they make a few large copies rather than many small ones.
        for (int cy = 0; cy < r.rows; cy++) {
            for (int cx = 0; cx < r.cols; cx++) {
                int i = cy * r.cols + cx;
                if (r.cells[i] == MoveRegion.UNCHANGED && r.cellMatches(cx, cy, ox, oy)) {
                    r.cells[i] = MoveRegion.SAME_MATCH;
                }
            }
        }
        rects.collect(r);
        rects.sortFor(ox, oy);
        int moves = 0;
        for (int k = 0; k < rects.count(); k++) {
            moves += move(r, k, ox, oy) ? 1 : 0;
        }
        r.settleMatches();
        return moves;
    }

    /** Marks the changed cells that match at the offset. @return how many of them are not plain */
    private static int markMatches(MoveRegion r, int ox, int oy) {
        int matched = 0;
        for (int cy = 0; cy < r.rows; cy++) {
            for (int cx = 0; cx < r.cols; cx++) {
                int i = cy * r.cols + cx;
                if (r.cells[i] != MoveRegion.CHANGED || !r.cellMatches(cx, cy, ox, oy)) {
                    continue;
                }
                // A plain cell matches anywhere plain: it may join a move, but does not make one.
                if (r.cellUniform(cx, cy)) {
                    r.cells[i] = MoveRegion.PLAIN_MATCH;
                } else {
                    r.cells[i] = MoveRegion.MATCH;
                    matched++;
                }
            }
        }
        return matched;
    }

    /** Grows rectangle k to the moved content's edges and, if it still matches, reports it. @return whether it did */
    private boolean move(MoveRegion r, int k, int ox, int oy) {
        int x0 = r.x + rects.left(k) * CELL;
        int x1 = Math.min(r.x + r.w, r.x + rects.right(k) * CELL);
        int y0 = r.y + rects.top(k) * CELL;
        int y1 = Math.min(r.y + r.h, r.y + rects.bottom(k) * CELL);
        // Grow to the moved content's exact edges (cells rarely line up with a window's border).
        int limit = CELL;
        while (limit-- > 0 && y0 > r.y && y0 - 1 - oy >= 0 && r.equal(x0, y0 - 1, x1 - x0, 1, ox, oy)) {
            y0--;
        }
        limit = CELL;
        while (limit-- > 0 && y1 < r.y + r.h && y1 - oy < r.height && r.equal(x0, y1, x1 - x0, 1, ox, oy)) {
            y1++;
        }
        limit = CELL;
        while (limit-- > 0 && x0 > r.x && x0 - 1 - ox >= 0 && r.equal(x0 - 1, y0, 1, y1 - y0, ox, oy)) {
            x0--;
        }
        limit = CELL;
        while (limit-- > 0 && x1 < r.x + r.w && x1 - ox < r.width && r.equal(x1, y0, 1, y1 - y0, ox, oy)) {
            x1++;
        }
        // Earlier moves of this frame may have overwritten the source: check against the client's picture now.
        if (!r.equal(x0, y0, x1 - x0, y1 - y0, ox, oy)) {
            return false;
        }
        mover.move(x0 - ox, y0 - oy, x1 - x0, y1 - y0, x0, y0);
        if (ox != 0) {
            recent.track(x0, y0, x1 - x0, y1 - y0);
        }
        return true;
    }
}
