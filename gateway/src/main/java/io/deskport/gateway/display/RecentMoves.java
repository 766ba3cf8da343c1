package io.deskport.gateway.display;

/**
 * What moved sideways in the last frame, for the {@link MoveDetector} to try first in this one (a dragged
 * window tends to keep moving alike): the offsets of those moves, and where the moved content went,
 * which is what the client shows there now. Collected during a frame, used during the next.
 */
final class RecentMoves {

    private final int[] lastOffsets = new int[8];
    private final int[] nextOffsets = new int[8];
    private int lastOffsetCount;
    private int nextOffsetCount;
    /** Rectangles (x, y, w, h) where content moved to in the last frame. */
    private final int[] tracked = new int[16];
    private final int[] nextTracked = new int[16];
    private int trackedCount;
    private int nextTrackedCount;

    /** Starts a frame: what was collected in the last one becomes what is known. */
    void startFrame() {
        System.arraycopy(nextOffsets, 0, lastOffsets, 0, nextOffsets.length);
        lastOffsetCount = nextOffsetCount;
        nextOffsetCount = 0;
        System.arraycopy(nextTracked, 0, tracked, 0, nextTracked.length);
        trackedCount = nextTrackedCount;
        nextTrackedCount = 0;
    }

    /** Votes for the last frame's sideways moves again. */
    void voteLastOffsets(OffsetVotes votes) {
        for (int i = 0; i < lastOffsetCount; i++) {
            votes.vote(lastOffsets[2 * i], lastOffsets[2 * i + 1], OffsetVotes.STRONG);
        }
    }

    /** Remembers the offset of a sideways move found in this frame. */
    void remember(int ox, int oy) {
        for (int i = 0; i < nextOffsetCount; i++) {
            if (nextOffsets[2 * i] == ox && nextOffsets[2 * i + 1] == oy) {
                return;
            }
        }
        if (nextOffsetCount < nextOffsets.length / 2) {
            nextOffsets[2 * nextOffsetCount] = ox;
            nextOffsets[2 * nextOffsetCount + 1] = oy;
            nextOffsetCount++;
        }
    }

    /** Remembers where content moved sideways to: next frame it will likely move on from there. */
    void track(int x, int y, int w, int h) {
        int[] t = nextTracked;
        for (int i = 0; i < nextTrackedCount; i++) {
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
        if (w * h >= MoveDetector.MIN_AREA && nextTrackedCount < t.length / 4) {
            t[4 * nextTrackedCount] = x;
            t[4 * nextTrackedCount + 1] = y;
            t[4 * nextTrackedCount + 2] = w;
            t[4 * nextTrackedCount + 3] = h;
            nextTrackedCount++;
        }
    }

    /** @return how many rectangles content moved to in the last frame */
    int trackedCount() {
        return trackedCount;
    }

    /** @return x, y, width or height ({@code field} 0 to 3) of rectangle {@code t} that content moved to */
    int tracked(int t, int field) {
        return tracked[4 * t + field];
    }
}
