package io.deskport.gateway.display;

import java.util.Arrays;
import java.util.List;

/**
 * What the clients show (the display's "shadow"): a copy of the picture they were sent, kept up to date
 * by the moves and images the display sends. Changed regions of the framebuffer are compared with it,
 * so that only what really differs is encoded.
 *
 * <p>Not thread-safe; one per display.
 */
final class Shadow {

    /** Never a pixel (pixels are {@code 0x00RRGGBB}): marks what the client does not show yet. */
    private static final int UNKNOWN = 0xff000000;
    /** Size of the cells in which changed pixels are located; the move detector's cells, whose results it reuses. */
    private static final int DIFF_CELL = MoveDetector.CELL;

    private int[] pixels = new int[0];
    private int width;
    private final DamageTracker differences = new DamageTracker();

    /** Starts over at a new size, showing nothing known. */
    void resize(int newWidth, int newHeight) {
        width = newWidth;
        pixels = new int[newWidth * newHeight];
        Arrays.fill(pixels, UNKNOWN);
        differences.resize(newWidth, newHeight);
    }

    /** @return the backing array, {@code 0x00RRGGBB} by rows (replaced by {@link #resize}) */
    int[] pixels() {
        return pixels;
    }

    /** A move was sent: the client copies (sx, sy, w, h) to (dx, dy), and so does the shadow. */
    void copy(int sx, int sy, int w, int h, int dx, int dy) {
        Framebuffer.copyWithin(pixels, width, sx, sy, w, h, dx, dy);
    }

    /** The region of the framebuffer was sent: the client now shows it. */
    void update(int[] fb, DamageTracker.Region r) {
        for (int row = r.y(); row < r.y() + r.height(); row++) {
            System.arraycopy(fb, row * width + r.x(), pixels, row * width + r.x(), r.width());
        }
    }

    /**
     * Records the bounding box of the framebuffer's pixels that differ from the shadow in the region, cell by
     * cell, for {@link #takeDifferences()}.
     *
     * @param moves null, or the move detector that just analysed this region: the cells it found unchanged
     *              are skipped
     */
    void locateDifferences(int[] fb, DamageTracker.Region r, MoveDetector moves) {
        int[] shadow = pixels;
        for (int y0 = r.y(), cy = 0; y0 < r.y() + r.height(); y0 += DIFF_CELL, cy++) {
            int y1 = Math.min(y0 + DIFF_CELL, r.y() + r.height());
            for (int x0 = r.x(), cx = 0; x0 < r.x() + r.width(); x0 += DIFF_CELL, cx++) {
                if (moves != null && moves.unchanged(cx, cy)) {
                    continue;
                }
                int w = Math.min(DIFF_CELL, r.x() + r.width() - x0);
                int minX = w;
                int maxX = -1;
                int minY = -1;
                int maxY = -1;
                for (int row = y0; row < y1; row++) {
                    int a = row * width + x0;
                    int first = Arrays.mismatch(fb, a, a + w, shadow, a, a + w);
                    if (first < 0) {
                        continue;
                    }
                    if (minY < 0) {
                        minY = row;
                    }
                    maxY = row;
                    minX = Math.min(minX, first);
                    int last = w - 1;
                    while (last > maxX && fb[a + last] == shadow[a + last]) {
                        last--;
                    }
                    maxX = Math.max(maxX, last);
                }
                if (minY >= 0) {
                    differences.add(x0 + minX, minY, maxX - minX + 1, maxY - minY + 1);
                }
            }
        }
    }

    /** @return the regions where the framebuffer was found to differ since the last call, merged */
    List<DamageTracker.Region> takeDifferences() {
        return differences.drain();
    }
}
