package io.deskport.gateway.display;

import java.util.List;

/**
 * The display pipeline of one remote desktop: applies drawing from the remote server to a
 * {@link Framebuffer}, tracks what changed, and on {@link #flush(ImagePolicy)} sends the changes to a
 * {@link Canvas} as cheaply as it can: moved content as {@code copy}, single-colour areas as fills,
 * few-colour areas (text, UI) as palette PNGs, other areas as true-colour PNG, or JPEG where the area
 * changes quickly and the policy allows lossy images.
 *
 * <p>The display keeps a copy of what the client shows (the {@link Shadow}). At each flush, the changed
 * regions are compared with it: content the client already has elsewhere is sent as {@code copy} (found by
 * the {@link MoveDetector}, with the server's CopyRects as hints), pixels the client already has are not
 * sent again, and only the rest is encoded ({@link RegionEncoder}). The display itself decides what goes
 * into which frame: everything, or the small changes (a key's echo) first.
 *
 * <p>Not thread-safe: the owner serialises calls (one remote reader thread plus occasional snapshots).
 */
public final class Display {

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
    private final Shadow shadow = new Shadow();
    private final MoveDetector moves = new MoveDetector(this::move);
    private final FrameStatistics statistics = new FrameStatistics();
    private final RegionEncoder encoder = new RegionEncoder(framebuffer, statistics);
    private CursorImage cursor;
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
        shadow.resize(framebuffer.width(), framebuffer.height());
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
        cursor = new CursorImage(hotX, hotY, w, h, argb);
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
            encoder.encodeCursor(canvas, cursor);
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
        for (DamageTracker.Region r : small) {
            shadow.locateDifferences(fb, r, null);
        }
        List<DamageTracker.Region> changed = shadow.takeDifferences();
        for (DamageTracker.Region r : changed) {
            double rate = damage.changeRate(r.x(), r.y(), r.width(), r.height());
            // taking the change counted it once already: below the threshold + 1, the area was quiet before
            if (rate < QUIET_RATE + 1 && alone(r, small)) {
                quietChange = new Area(r.x(), r.y(), r.width(), r.height());
            }
            encoder.encode(canvas, r, policy, rate);
            shadow.update(fb, r);
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
        encoder.encode(target, new DamageTracker.Region(0, 0, framebuffer.width(), framebuffer.height()),
                ImagePolicy.LOSSLESS, 0);
        if (cursor != null) {
            encoder.encodeCursor(target, cursor);
        }
        target.endFrame();
    }

    /** Releases native encoder resources. */
    public void close() {
        encoder.close();
    }

    /** @return true if anything was sent */
    private boolean encodePending(ImagePolicy policy, boolean smallFirst) {
        if (damage.isEmpty()) {
            moves.clearHints();
            return false;
        }
        int[] fb = framebuffer.pixels();
        int moved = sendMoves(fb);
        List<DamageTracker.Region> changed = shadow.takeDifferences();
        int split = smallFirst && changed.size() > 1 ? sortSmallFirst(changed) : -1;
        for (int i = 0; i < changed.size(); i++) {
            DamageTracker.Region r = changed.get(i);
            if (i == split) {
                canvas.endFrame();
                statistics.frames++;
            }
            encoder.encode(canvas, r, policy, damage.changeRate(r.x(), r.y(), r.width(), r.height()));
            shadow.update(fb, r);
        }
        return moved > 0 || !changed.isEmpty();
    }

    /**
     * Takes the pending damage, sends the moves found in it and locates what still differs from the shadow.
     *
     * @return the number of moves sent
     */
    private int sendMoves(int[] fb) {
        List<DamageTracker.Region> regions = damage.take(System.currentTimeMillis());
        // Smaller regions first: the wide move search has a budget per frame, and a dragged window's region
        // is usually smaller than that of a terminal full of new text, where the search finds nothing.
        regions.sort(java.util.Comparator.comparingInt(DamageTracker.Region::area));
        int moved = 0;
        moves.startFrame(fb, shadow.pixels(), framebuffer.width(), framebuffer.height());
        for (DamageTracker.Region r : regions) {
            moved += moves.detect(r.x(), r.y(), r.width(), r.height());
            // Moves only write what the framebuffer holds, so what they leave different stays different.
            shadow.locateDifferences(fb, r, moves);
        }
        moves.clearHints();
        return moved;
    }

    /**
     * Sorts the changes small first.
     *
     * @return the index of the first large change, where a frame of the small ones ends; -1 if the changes
     *         are all small or all large
     */
    private static int sortSmallFirst(List<DamageTracker.Region> changed) {
        changed.sort(java.util.Comparator.comparingInt(DamageTracker.Region::area));
        int large = 0;
        while (large < changed.size() && changed.get(large).area() <= SMALL_CHANGE) {
            large++;
        }
        return large > 0 && large < changed.size() ? large : -1;
    }

    /** A move found by the detector: the client copies, and so does the shadow. */
    private void move(int sx, int sy, int w, int h, int dx, int dy) {
        canvas.copy(sx, sy, w, h, dx, dy);
        shadow.copy(sx, sy, w, h, dx, dy);
        statistics.copies++;
    }
}
