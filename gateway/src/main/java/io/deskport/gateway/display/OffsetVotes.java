package io.deskport.gateway.display;

/**
 * The candidate offsets ({@code dx - sx}, {@code dy - sy}) of a region's moves, each with its votes: the
 * server's CopyRects and the moves remembered from the last frame vote {@value #STRONG} each, every
 * anchor found again once. The {@link MoveDetector} verifies the best-voted first.
 */
final class OffsetVotes {

    /** The weight of an offset known from elsewhere than one anchor (a CopyRect, a move of the last frame). */
    static final int STRONG = 2;
    /** Votes an offset found by anchors needs before it is verified, when there were enough anchors to agree. */
    private static final int MIN_VOTES = 2;

    private final int[] offsetX = new int[64];
    private final int[] offsetY = new int[64];
    private final int[] votes = new int[64];
    private int count;
    /** Anchors the last anchor search took (whether or not they were found again). */
    private int anchorsUsed;

    /** Forgets every candidate. */
    void clear() {
        count = 0;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** Adds {@code weight} votes for an offset; no move (0, 0) is no candidate. */
    void vote(int ox, int oy, int weight) {
        if (ox == 0 && oy == 0) {
            return;
        }
        for (int i = 0; i < count; i++) {
            if (offsetX[i] == ox && offsetY[i] == oy) {
                votes[i] += weight;
                return;
            }
        }
        if (count < offsetX.length) {
            offsetX[count] = ox;
            offsetY[count] = oy;
            votes[count] = weight;
            count++;
        }
    }

    /** Records how many anchors the last search took: with a few, a lone anchor's offset is not worth trying. */
    void anchorsUsed(int anchors) {
        anchorsUsed = anchors;
    }

    /**
     * @return the candidate with the most votes (the first of equals), or -1 if there is none or it is an
     *         anchor's offset that too few of enough anchors agreed on
     */
    int best() {
        if (count == 0) {
            return -1;
        }
        int best = 0;
        for (int i = 1; i < count; i++) {
            if (votes[i] > votes[best]) {
                best = i;
            }
        }
        return votes[best] < MIN_VOTES && anchorsUsed >= 2 * MIN_VOTES ? -1 : best;
    }

    int x(int candidate) {
        return offsetX[candidate];
    }

    int y(int candidate) {
        return offsetY[candidate];
    }

    /** Removes a candidate (the last one takes its place). */
    void remove(int candidate) {
        count--;
        offsetX[candidate] = offsetX[count];
        offsetY[candidate] = offsetY[count];
        votes[candidate] = votes[count];
    }
}
