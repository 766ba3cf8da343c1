package io.deskport.gateway.display;

import java.util.List;

/**
 * The display pipeline of one remote desktop: applies drawing from the remote server to a
 * {@link Framebuffer}, tracks what changed, and on {@link #flush(ImagePolicy)} sends the changes to a
 * {@link Canvas} as cheaply as it can: moved content as {@code copy}, single-colour areas as fills,
 * few-colour areas (text, UI) as palette PNGs, other areas as true-colour PNG, or JPEG where the area
 * changes quickly and the policy allows lossy images.
 *
 * <p>The display keeps a copy of what the client shows (the shadow). At each flush, the changed regions
 * are compared with it: content the client already has elsewhere is sent as {@code copy} (found by the
 * {@link MoveDetector}, with the server's CopyRects as hints), pixels the client already has are not
 * sent again, and only the rest is encoded.
 *
 * <p>Not thread-safe: the owner serialises calls (one remote reader thread plus occasional snapshots).
 */
public final class Display {

    /** Rows per encoded band: small enough that each band gets its own palette. */
    private static final int BAND_HEIGHT = 64;
    /**
     * Most rows of one two-colour image (text): consecutive bands with the same two colours are sent as
     * one taller image, which deflates about 15 % smaller than 64-row bands and costs fewer images.
     */
    private static final int MAX_TWO_COLOR_ROWS = 512;
    /** Width of the pieces a many-coloured band is split into. */
    private static final int PIECE_WIDTH = 128;
    /** Updates per second above which an area counts as fast-changing (guacd's threshold). */
    private static final double FAST_CHANGE_RATE = 3.0;
    /**
     * Smallest area worth a JPEG. guacd uses 4096 px; below about 16384 px (a window's title bar redrawn
     * as it moves) a true-colour PNG at deflate level 1 measured both smaller, with JPEG's tables, and
     * cheaper to encode (bench/streaming replayed through RfbReplay: 2 % fewer bytes, 9 % less encoding CPU).
     */
    private static final int MIN_JPEG_AREA = 16384;

    /** Never a pixel (pixels are {@code 0x00RRGGBB}): marks what the client does not show yet. */
    private static final int UNKNOWN = 0xff000000;
    /** Size of the cells in which changed pixels are located against the shadow. */
    private static final int DIFF_CELL = MoveDetector.CELL;
    /**
     * A change this small (a typed character, a short word) may go out ahead of the frame, after input, and
     * goes first in a frame when the client should see small changes at once.
     * Larger ones, such as the new lines of a scrolling terminal, wait for the full frame, where their moves
     * are found: sent ahead they cost encoding here and decoding at the client right before the echo.
     */
    private static final int SMALL_CHANGE = DamageTracker.SMALL_AREA;
    /**
     * Below this many updates per second, the area of a small change was quiet before it: what the user
     * waits for after a key (its echo) rather than a piece of text scrolling, which changes with every frame.
     */
    static final double QUIET_RATE = 12;
    /**
     * A small change with no other change within this many pixels stands alone: the echo of a key rather
     * than the edge of a moving window or the end of a scrolled line, which come next to larger changes.
     */
    static final int ALONE_GAP = 32;

    private final Canvas canvas;
    private final Framebuffer framebuffer = new Framebuffer(0, 0);
    private final DamageTracker damage = new DamageTracker();
    private final DamageTracker differences = new DamageTracker();
    private final MoveDetector moves = new MoveDetector(this::move);
    private int[] shadow = new int[0];
    private final ColorTable colors = new ColorTable();
    private final PngEncoder png = new PngEncoder();
    private final JpegEncoder jpeg = new JpegEncoder();
    private final FrameStatistics statistics = new FrameStatistics();
    private final int[] pair = new int[2];
    private int[] cursor;
    private int cursorHotX;
    private int cursorHotY;
    private int cursorWidth;
    private int cursorHeight;
    private boolean cursorChanged;
    private boolean drawn;
    private Area quietChange;

    /** @param canvas where frames go */
    public Display(Canvas canvas) {
        this.canvas = canvas;
    }

    /** @return the current width */
    public int width() {
        return framebuffer.width();
    }

    /** @return the current height */
    public int height() {
        return framebuffer.height();
    }

    /** @return the current pixel at (x, y), {@code 0x00RRGGBB} */
    public int pixel(int x, int y) {
        return framebuffer.pixel(x, y);
    }

    /** @return counters of what was encoded so far */
    public FrameStatistics statistics() {
        return statistics;
    }

    /** Resizes the screen; the new content arrives as later drawing. */
    public void resize(int width, int height) {
        framebuffer.resize(width, height);
        damage.resize(width, height);
        differences.resize(width, height);
        shadow = new int[framebuffer.width() * framebuffer.height()];
        java.util.Arrays.fill(shadow, UNKNOWN);
        moves.clearHints();
        canvas.resize(width, height);
        drawn = true;
    }

    /** Applies a rectangle of pixels. */
    public void pixels(int x, int y, int w, int h, int[] data, int offset, int scan) {
        framebuffer.setPixels(x, y, w, h, data, offset, scan);
        damage.add(x, y, w, h);
    }

    /** Applies a solid rectangle. */
    public void fill(int x, int y, int w, int h, int rgb) {
        framebuffer.fill(x, y, w, h, rgb);
        damage.add(x, y, w, h);
    }

    /**
     * Applies a move of screen content. The client is told at the next flush, when the moved area is
     * compared with what it shows: the move's offset is tried first.
     */
    public void copy(int sx, int sy, int w, int h, int dx, int dy) {
        framebuffer.copy(sx, sy, w, h, dx, dy);
        damage.add(dx, dy, w, h);
        moves.hint(dx - sx, dy - sy);
    }

    /** Replaces the cursor image (ARGB, {@code w * h} pixels). */
    public void cursor(int hotX, int hotY, int w, int h, int[] argb) {
        cursor = argb;
        cursorHotX = hotX;
        cursorHotY = hotY;
        cursorWidth = w;
        cursorHeight = h;
        cursorChanged = true;
    }

    /** @return true if something was drawn since the last flush */
    public boolean hasPendingChanges() {
        return drawn || cursorChanged || !damage.isEmpty();
    }

    /**
     * Sends everything changed since the last flush and ends the frame, unless nothing the client shows
     * differs from the framebuffer (the server repainted what was already there).
     *
     * @return true if a frame was ended
     */
    public boolean flush(ImagePolicy policy) {
        return flush(policy, false);
    }

    /**
     * Like {@link #flush(ImagePolicy)}; with {@code smallFirst}, when the changes mix small areas (a typed
     * character) with large ones (a screenful of new text), the moves and small areas are sent as a frame
     * of their own before the large ones, so that the client shows them without first decoding the rest.
     *
     * @return true if a frame was ended
     */
    public boolean flush(ImagePolicy policy, boolean smallFirst) {
        boolean sent = encodePending(policy, smallFirst) || drawn;
        if (cursorChanged) {
            sendCursor(canvas);
            cursorChanged = false;
            sent = true;
        }
        drawn = false;
        if (sent) {
            canvas.endFrame();
            statistics.frames++;
        }
        return sent;
    }

    /** @return true if a small change (at most {@value #SMALL_CHANGE} pixels, like a typed character) is pending */
    public boolean hasSmallChanges() {
        return damage.hasSmall(SMALL_CHANGE);
    }

    /**
     * Sends only the small changes (at most {@value #SMALL_CHANGE} pixels each, like the echo of a typed
     * character) as a frame, leaving the rest for the next {@link #flush}: what the user waits for need
     * not wait for a screenful of other changes to be encoded, sent and decoded.
     *
     * @return true if a frame was ended
     */
    public boolean flushSmall(ImagePolicy policy) {
        List<DamageTracker.Region> small = damage.takeSmall(SMALL_CHANGE, System.currentTimeMillis());
        int[] fb = framebuffer.pixels();
        int width = framebuffer.width();
        for (DamageTracker.Region r : small) {
            locateDifferences(fb, width, r, false);
        }
        List<DamageTracker.Region> changed = differences.drain();
        for (DamageTracker.Region r : changed) {
            double rate = damage.changeRate(r.x(), r.y(), r.width(), r.height());
            // taking the change counted it once already: below the threshold + 1, the area was quiet before
            if (rate < QUIET_RATE + 1 && alone(r, small)) {
                quietChange = new Area(r.x(), r.y(), r.width(), r.height());
            }
            encodeRegion(canvas, r.x(), r.y(), r.width(), r.height(), policy, rate);
            for (int row = r.y(); row < r.y() + r.height(); row++) {
                System.arraycopy(fb, row * width + r.x(), shadow, row * width + r.x(), r.width());
            }
        }
        if (changed.isEmpty()) {
            return false;
        }
        canvas.endFrame();
        statistics.frames++;
        return true;
    }

    /** @return whether no other change (pending, or small and sent with it) lies within {@value #ALONE_GAP} px */
    private boolean alone(DamageTracker.Region r, List<DamageTracker.Region> small) {
        if (damage.anyNear(r.x(), r.y(), r.width(), r.height(), ALONE_GAP)) {
            return false;
        }
        for (DamageTracker.Region o : small) {
            // the small change r was found in is not another change
            boolean inside = o.x() <= r.x() && o.y() <= r.y() && o.x() + o.width() >= r.x() + r.width()
                    && o.y() + o.height() >= r.y() + r.height();
            if (!inside && DamageTracker.within(o.x(), o.y(), o.x() + o.width(), o.y() + o.height(),
                    r.x(), r.y(), r.width(), r.height(), ALONE_GAP)) {
                return false;
            }
        }
        return true;
    }

    /** A rectangle of the screen. */
    public record Area(int x, int y, int width, int height) {
    }

    /**
     * @return the last change that a frame of small changes ({@link #flushSmall}) sent standing alone in an
     *         area that had been quiet (changing less than {@value #QUIET_RATE} times a second) since the last
     *         call, or null if there was none: after a key, most likely its echo
     */
    public Area takeQuietChange() {
        Area change = quietChange;
        quietChange = null;
        return change;
    }

    /**
     * @return {@code area} grown by the margins on each side and clipped to the screen, or null if nothing of
     *         it is on the screen (the screen shrank)
     */
    public Area around(Area area, int marginX, int marginY) {
        int x0 = Math.max(0, area.x() - marginX);
        int y0 = Math.max(0, area.y() - marginY);
        int x1 = Math.min(framebuffer.width(), area.x() + area.width() + marginX);
        int y1 = Math.min(framebuffer.height(), area.y() + area.height() + marginY);
        return x1 > x0 && y1 > y0 ? new Area(x0, y0, x1 - x0, y1 - y0) : null;
    }

    /**
     * Draws the whole current screen and cursor onto another canvas (a viewer joining the connection),
     * losslessly, and ends that canvas's frame. Call it right after a {@link #flush}, so that the new
     * canvas shows exactly what the others show.
     */
    public void drawFullScreen(Canvas target) {
        target.resize(framebuffer.width(), framebuffer.height());
        encodeRegion(target, 0, 0, framebuffer.width(), framebuffer.height(), ImagePolicy.LOSSLESS, 0);
        if (cursor != null) {
            sendCursor(target);
        }
        target.endFrame();
    }

    /** Releases native encoder resources. */
    public void close() {
        png.close();
        jpeg.close();
    }

    /** @return true if anything was sent */
    private boolean encodePending(ImagePolicy policy, boolean smallFirst) {
        if (damage.isEmpty()) {
            moves.clearHints();
            return false;
        }
        List<DamageTracker.Region> regions = damage.take(System.currentTimeMillis());
        // Smaller regions first: the wide move search has a budget per frame, and a dragged window's region
        // is usually smaller than that of a terminal full of new text, where the search finds nothing.
        regions.sort(java.util.Comparator.comparingInt(DamageTracker.Region::area));
        int[] fb = framebuffer.pixels();
        int width = framebuffer.width();
        int height = framebuffer.height();
        int moved = 0;
        moves.startFrame(fb, shadow, width, height);
        for (DamageTracker.Region r : regions) {
            moved += moves.detect(r.x(), r.y(), r.width(), r.height());
            // Moves only write what the framebuffer holds, so what they leave different stays different.
            locateDifferences(fb, width, r, true);
        }
        moves.clearHints();
        List<DamageTracker.Region> changed = differences.drain();
        int split = -1;
        if (smallFirst && changed.size() > 1) {
            changed.sort(java.util.Comparator.comparingInt(DamageTracker.Region::area));
            int large = 0;
            while (large < changed.size() && changed.get(large).area() <= SMALL_CHANGE) {
                large++;
            }
            split = large > 0 && large < changed.size() ? large : -1;
        }
        for (int i = 0; i < changed.size(); i++) {
            DamageTracker.Region r = changed.get(i);
            if (i == split) {
                canvas.endFrame();
                statistics.frames++;
            }
            double rate = damage.changeRate(r.x(), r.y(), r.width(), r.height());
            encodeRegion(canvas, r.x(), r.y(), r.width(), r.height(), policy, rate);
            for (int row = r.y(); row < r.y() + r.height(); row++) {
                System.arraycopy(fb, row * width + r.x(), shadow, row * width + r.x(), r.width());
            }
        }
        return moved > 0 || !changed.isEmpty();
    }

    /** A move found by the detector: the client copies, and so does the shadow. */
    private void move(int sx, int sy, int w, int h, int dx, int dy) {
        canvas.copy(sx, sy, w, h, dx, dy);
        Framebuffer.copyWithin(shadow, framebuffer.width(), sx, sy, w, h, dx, dy);
        statistics.copies++;
    }

    /**
     * Adds the bounding box of the pixels that differ from the shadow, cell by cell, to {@link #differences};
     * skips the cells the move detector just found unchanged.
     */
    private void locateDifferences(int[] fb, int width, DamageTracker.Region r, boolean afterDetection) {
        for (int y0 = r.y(), cy = 0; y0 < r.y() + r.height(); y0 += DIFF_CELL, cy++) {
            int y1 = Math.min(y0 + DIFF_CELL, r.y() + r.height());
            for (int x0 = r.x(), cx = 0; x0 < r.x() + r.width(); x0 += DIFF_CELL, cx++) {
                if (afterDetection && moves.unchanged(cx, cy)) {
                    continue;
                }
                int w = Math.min(DIFF_CELL, r.x() + r.width() - x0);
                int minX = w;
                int maxX = -1;
                int minY = -1;
                int maxY = -1;
                for (int row = y0; row < y1; row++) {
                    int a = row * width + x0;
                    int first = java.util.Arrays.mismatch(fb, a, a + w, shadow, a, a + w);
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

    /** Encodes a region top to bottom: runs of two-colour bands as one image, other bands on their own. */
    private void encodeRegion(Canvas target, int x, int top, int w, int h, ImagePolicy policy, double rate) {
        int bottom = top + h;
        int y = top;
        while (y < bottom) {
            int end = twoColorRows(x, y, w, bottom);
            if (end > y) {
                encodeTwoColors(target, x, y, w, end - y);
                y = end;
            } else {
                int bh = Math.min(BAND_HEIGHT, bottom - y);
                encodeBand(target, x, y, w, bh, policy, rate);
                y += bh;
            }
        }
    }

    /**
     * Finds how far down from {@code y} whole bands use at most two colours between them, leaving those
     * colours in {@link #pair}.
     *
     * @return the end row of those bands ({@code y} if the first band has more than two colours)
     */
    private int twoColorRows(int x, int y, int w, int bottom) {
        pair[0] = TwoColors.NONE;
        pair[1] = TwoColors.NONE;
        int end = y;
        while (end < bottom && end - y < MAX_TWO_COLOR_ROWS) {
            int h = Math.min(Math.min(BAND_HEIGHT, bottom - end), y + MAX_TWO_COLOR_ROWS - end);
            int c0 = pair[0];
            int c1 = pair[1];
            if (!TwoColors.fit(framebuffer.pixels(), framebuffer.width(), x, end, w, h, pair)) {
                pair[0] = c0;
                pair[1] = c1;
                break;
            }
            end += h;
        }
        return end;
    }

    private void encodeTwoColors(Canvas target, int x, int y, int w, int h) {
        if (pair[1] == TwoColors.NONE) {
            target.fill(x, y, w, h, pair[0]);
            statistics.fills++;
            return;
        }
        int n = png.encodeTwoColors(framebuffer.pixels(), framebuffer.width(), x, y, w, h, pair[0], pair[1]);
        target.image(x, y, "image/png", png.buffer(), n);
        statistics.pngImages++;
        statistics.imageBytes += n;
    }

    private void encodeBand(Canvas target, int x, int y, int w, int h, ImagePolicy policy, double rate) {
        if (w <= 0 || h <= 0) {
            return;
        }
        if (colors.collect(framebuffer.pixels(), framebuffer.width(), x, y, w, h)) {
            encodeFewColors(target, x, y, w, h);
            return;
        }
        for (int px = x; px < x + w; px += PIECE_WIDTH) {
            int pw = Math.min(PIECE_WIDTH, x + w - px);
            if (colors.collect(framebuffer.pixels(), framebuffer.width(), px, y, pw, h)) {
                encodeFewColors(target, px, y, pw, h);
            } else {
                // Many colours: merge the following many-coloured pieces into one image.
                int end = px + pw;
                while (end < x + w) {
                    int nw = Math.min(PIECE_WIDTH, x + w - end);
                    if (colors.collect(framebuffer.pixels(), framebuffer.width(), end, y, nw, h)) {
                        break;
                    }
                    end += nw;
                }
                encodeManyColors(target, px, y, end - px, h, policy, rate);
                px = end - PIECE_WIDTH;
            }
        }
    }

    private void encodeFewColors(Canvas target, int x, int y, int w, int h) {
        if (colors.size() == 1) {
            target.fill(x, y, w, h, colors.color(0));
            statistics.fills++;
            return;
        }
        int n = png.encodePalette(framebuffer.pixels(), framebuffer.width(), x, y, w, h, colors);
        target.image(x, y, "image/png", png.buffer(), n);
        statistics.pngImages++;
        statistics.imageBytes += n;
    }

    private void encodeManyColors(Canvas target, int x, int y, int w, int h, ImagePolicy policy, double rate) {
        if (policy.jpegAllowed() && rate >= FAST_CHANGE_RATE && w * h >= MIN_JPEG_AREA) {
            byte[] data = jpeg.encode(framebuffer.pixels(), framebuffer.width(), x, y, w, h, policy.jpegQuality());
            target.image(x, y, "image/jpeg", data, data.length);
            statistics.jpegImages++;
            statistics.imageBytes += data.length;
            return;
        }
        int n = png.encodeRgb(framebuffer.pixels(), framebuffer.width(), x, y, w, h);
        target.image(x, y, "image/png", png.buffer(), n);
        statistics.pngImages++;
        statistics.imageBytes += n;
    }

    private void sendCursor(Canvas target) {
        if (cursorWidth == 0 || cursorHeight == 0) {
            target.cursor(0, 0, 0, 0, new byte[0], 0);
            return;
        }
        int n = png.encodeArgb(cursor, cursorWidth, cursorHeight);
        target.cursor(cursorHotX, cursorHotY, cursorWidth, cursorHeight, png.buffer(), n);
    }
}
