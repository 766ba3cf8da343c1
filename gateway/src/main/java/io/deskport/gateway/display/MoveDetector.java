package io.deskport.gateway.display;

/**
 * Finds changed screen content that the client already shows somewhere else — a scrolled terminal, a
 * dragged window — so that it can be sent as {@code copy} instead of re-encoded pixels. VNC servers
 * report at most one move per update (TigerVNC keeps one copy region), and a frame often spans several
 * updates, so the gateway looks for moves itself, comparing the new framebuffer with the client's
 * picture (the "shadow").
 *
 * <p>How: candidate offsets ({@link OffsetVotes}) come from the server's own CopyRects (hints), from the
 * moves of the last frame ({@link RecentMoves}) and from anchors ({@link AnchorSearch}): short
 * distinctive rows of pixels taken from changed cells, searched for in the shadow straight above and below
 * (scrolling) and within {@value AnchorSearch#RANGE} pixels around (moving windows). Each candidate offset
 * is verified pixel for pixel on {@value MoveRegion#CELL}×{@value MoveRegion#CELL} cells of the region
 * ({@link MoveRegion}); matching cells are merged into rectangles, grown to the exact edge of the moved
 * content, checked once more against the client's picture as it is at that point of the frame, and handed
 * to the {@link Mover} ({@link OffsetVerifier}). Whatever is not matched is left for the image encoders:
 * a wrong guess costs time, never a wrong picture.
 *
 * <p>Not thread-safe; one per display.
 */
final class MoveDetector {

    /** Receives a move found: the client copies (sx, sy, w, h) to (dx, dy), and the shadow must do the same. */
    interface Mover {
        void move(int sx, int sy, int w, int h, int dx, int dy);
    }

    static final int CELL = MoveRegion.CELL;
    /** Regions smaller than this are not worth searching (a typed character, a blinking cursor). */
    static final int MIN_AREA = 64 * 32;
    /** Content that moved last frame is looked for this close first (a window dragged at a few pixels per frame). */
    private static final int NEAR_RANGE = 16;
    private static final int FAR_RANGE = AnchorSearch.RANGE;
    private static final int MAX_OFFSETS = 3;
    private static final int MAX_HINTS = 8;

    private final MoveRegion region = new MoveRegion();
    private final OffsetVotes votes = new OffsetVotes();
    private final AnchorSearch anchors = new AnchorSearch();
    private final RecentMoves recent = new RecentMoves();
    private final OffsetVerifier verifier;
    /** Offsets of the server's CopyRects since the last frame, as pairs. */
    private final int[] hints = new int[2 * MAX_HINTS];
    private int hintCount;

    /** @param mover receives the moves found: the client copies, and so must the shadow */
    MoveDetector(Mover mover) {
        this.verifier = new OffsetVerifier(recent, mover);
    }

    /** Remembers the offset ({@code dx - sx}, {@code dy - sy}) of a move the server reported, to be tried first. */
    void hint(int ox, int oy) {
        for (int i = 0; i < hintCount; i++) {
            if (hints[2 * i] == ox && hints[2 * i + 1] == oy) {
                return;
            }
        }
        if (hintCount < MAX_HINTS) {
            hints[2 * hintCount] = ox;
            hints[2 * hintCount + 1] = oy;
            hintCount++;
        }
    }

    /** Forgets the server's moves (they were used, or the screen was resized). */
    void clearHints() {
        hintCount = 0;
    }

    /**
     * Starts a frame: resets the budget of the wide search, remembers the last frame's moves and takes the
     * pictures that the frame's regions are analysed in.
     *
     * @param fb     the framebuffer as it is now
     * @param shadow what the client shows; updated by the mover, read again after each move
     */
    void startFrame(int[] fb, int[] shadow, int width, int height) {
        anchors.startFrame();
        recent.startFrame();
        region.frame(fb, shadow, width, height);
    }

    /**
     * Looks for moved content in one changed region of the frame and reports every move found to the
     * mover, in an order the client can apply one after the other.
     *
     * @return the number of moves reported
     */
    int detect(int rx, int ry, int rw, int rh) {
        region.invalidate();
        if (rw * rh < MIN_AREA || rw < AnchorSearch.SEGMENT) {
            return 0;
        }
        int changed = region.start(rx, ry, rw, rh);
        if (changed == 0) {
            return 0;
        }
        // First the server's moves and scrolling (straight up or down), then, for what is left, moves nearby.
        votes.clear();
        for (int i = 0; i < hintCount; i++) {
            votes.vote(hints[2 * i], hints[2 * i + 1], OffsetVotes.STRONG);
        }
        anchors.search(region, changed, true, votes);
        int moves = applyBestOffsets();
        changed = region.countChanged();
        return changed > 0 ? moves + detectNearby(changed) : moves;
    }

    /** Looks for sideways moves of what is still changed. @return the number of moves reported */
    private int detectNearby(int changed) {
        // Cheapest first: the last frame's sideways moves again, then where the content that moved last
        // frame went (near first), and only if neither finds anything, a search from random anchors.
        votes.clear();
        recent.voteLastOffsets(votes);
        int followed = applyBestOffsets();
        for (int radius = NEAR_RANGE; followed == 0 && radius <= FAR_RANGE; radius += FAR_RANGE - NEAR_RANGE) {
            votes.clear();
            anchors.followTracked(region, recent, radius, votes);
            followed = applyBestOffsets();
        }
        if (followed > 0) {
            return followed;
        }
        // Nothing known moved on: look around at random, within the frame's budget.
        votes.clear();
        anchors.search(region, changed, false, votes);
        return applyBestOffsets();
    }

    /** Verifies the best-voted offsets, a few at most. @return the number of moves reported */
    private int applyBestOffsets() {
        int moves = 0;
        for (int attempt = 0; attempt < MAX_OFFSETS; attempt++) {
            int best = votes.best();
            if (best < 0) {
                break;
            }
            int ox = votes.x(best);
            int oy = votes.y(best);
            votes.remove(best);
            int found = verifier.apply(region, ox, oy);
            if (found > 0 && ox != 0) {
                recent.remember(ox, oy);
            }
            moves += found;
        }
        return moves;
    }

    /**
     * @return whether the cell at (cx, cy) of the region last passed to {@link #detect} (cells of
     *         {@value #CELL} pixels from the region's corner) was found unchanged; false if it was not looked at
     */
    boolean unchanged(int cx, int cy) {
        return region.unchanged(cx, cy);
    }
}
