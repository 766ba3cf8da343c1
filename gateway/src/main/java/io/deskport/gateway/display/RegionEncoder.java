package io.deskport.gateway.display;

/**
 * Turns pixels into what a {@link Canvas} draws, as cheaply as it can: a region of the framebuffer is
 * walked top to bottom in bands; runs of bands with at most two colours between them go as one fill or
 * one 1-bit PNG, other bands as a palette PNG when they have few colours, else in pieces of which the
 * many-coloured ones go as true-colour PNG, or JPEG where the area is large, changes quickly and the
 * policy allows it. Also encodes the cursor image. Counts what it sends in the display's
 * {@link FrameStatistics}.
 *
 * <p>Not thread-safe; one per display. Holds the native resources of its encoders until {@link #close()}.
 */
final class RegionEncoder {

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

    private final Framebuffer framebuffer;
    private final FrameStatistics statistics;
    private final ColorTable colors = new ColorTable();
    private final PngEncoder png = new PngEncoder();
    private final JpegEncoder jpeg = new JpegEncoder();
    private final int[] pair = new int[2];
    // The region being encoded: where it goes, and how lossy it may be.
    private Canvas target;
    private ImagePolicy policy;
    private double rate;

    RegionEncoder(Framebuffer framebuffer, FrameStatistics statistics) {
        this.framebuffer = framebuffer;
        this.statistics = statistics;
    }

    /**
     * Encodes a region of the framebuffer onto a canvas.
     *
     * @param changeRate how many times a second the region changes: with the policy, decides where JPEG pays off
     */
    void encode(Canvas canvas, DamageTracker.Region region, ImagePolicy imagePolicy, double changeRate) {
        target = canvas;
        policy = imagePolicy;
        rate = changeRate;
        int x = region.x();
        int w = region.width();
        int bottom = region.y() + region.height();
        int y = region.y();
        while (y < bottom) {
            int end = twoColorRows(x, y, w, bottom);
            if (end > y) {
                encodeTwoColors(x, y, w, end - y);
                y = end;
            } else {
                int bh = Math.min(BAND_HEIGHT, bottom - y);
                encodeBand(x, y, w, bh);
                y += bh;
            }
        }
        target = null;
    }

    /** Sends the cursor image (none if it is empty). */
    void encodeCursor(Canvas canvas, CursorImage cursor) {
        if (cursor.width() == 0 || cursor.height() == 0) {
            canvas.cursor(0, 0, 0, 0, new byte[0], 0);
            return;
        }
        int n = png.encodeArgb(cursor.argb(), cursor.width(), cursor.height());
        canvas.cursor(cursor.hotX(), cursor.hotY(), cursor.width(), cursor.height(), png.buffer(), n);
    }

    /** Releases native encoder resources. */
    void close() {
        png.close();
        jpeg.close();
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

    private void encodeTwoColors(int x, int y, int w, int h) {
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

    private void encodeBand(int x, int y, int w, int h) {
        if (w <= 0 || h <= 0) {
            return;
        }
        if (colors.collect(framebuffer.pixels(), framebuffer.width(), x, y, w, h)) {
            encodeFewColors(x, y, w, h);
            return;
        }
        for (int px = x; px < x + w; px += PIECE_WIDTH) {
            int pw = Math.min(PIECE_WIDTH, x + w - px);
            if (colors.collect(framebuffer.pixels(), framebuffer.width(), px, y, pw, h)) {
                encodeFewColors(px, y, pw, h);
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
                encodeManyColors(px, y, end - px, h);
                px = end - PIECE_WIDTH;
            }
        }
    }

    private void encodeFewColors(int x, int y, int w, int h) {
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

    private void encodeManyColors(int x, int y, int w, int h) {
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
}
