package io.deskport.gateway.display;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the rectangles changed since the last frame and merges them into few regions worth encoding
 * together, and keeps a per-cell (64×64) estimate of how often each part of the screen changes, which
 * decides where lossy encoding pays off.
 */
final class DamageTracker {

    /** A region to encode. */
    record Region(int x, int y, int width, int height) {
        int area() {
            return width * height;
        }
    }

    static final int CELL = 64;
    private static final int MAX_RECTS = 64;
    /** How many small rectangles stay apart when too many scattered ones are merged into one box. */
    private static final int KEEP_SMALL = 8;
    /**
     * Rectangles up to this area (a typed character, a short word) are never merged with larger ones, so
     * that the echo of a key stays a small change that can go out ahead of the rest (Display.flushSmall).
     */
    static final int SMALL_AREA = 64 * 64;
    private static final double RATE_WINDOW_MS = 1000.0;

    private final List<int[]> rects = new ArrayList<>();
    private int width;
    private int height;
    private int cols;
    private float[] rate = new float[0];
    private long[] stamp = new long[0];

    void resize(int width, int height) {
        this.width = width;
        this.height = height;
        this.cols = (width + CELL - 1) / CELL;
        int rows = (height + CELL - 1) / CELL;
        rate = new float[cols * rows];
        stamp = new long[cols * rows];
        rects.clear();
    }

    /** Marks a rectangle as changed. */
    void add(int x, int y, int w, int h) {
        int x0 = Math.max(0, x);
        int y0 = Math.max(0, y);
        int x1 = Math.min(width, x + w);
        int y1 = Math.min(height, y + h);
        if (x1 <= x0 || y1 <= y0) {
            return;
        }
        // Most updates extend or repeat the previous rectangle (tiles of one RFB rectangle): grow it in place.
        if (!rects.isEmpty()) {
            int[] last = rects.getLast();
            if (mergeable(last, x0, y0, x1, y1)) {
                union(last, x0, y0, x1, y1);
                return;
            }
        }
        rects.add(new int[] {x0, y0, x1, y1});
        if (rects.size() > MAX_RECTS) {
            coalesce(true);
        }
    }

    boolean isEmpty() {
        return rects.isEmpty();
    }

    /** @return whether a changed rectangle of at most {@code maxArea} pixels is pending */
    boolean hasSmall(int maxArea) {
        for (int[] r : rects) {
            if ((long) (r[2] - r[0]) * (r[3] - r[1]) <= maxArea) {
                return true;
            }
        }
        return false;
    }

    /** @return the changed rectangles of at most {@code maxArea} pixels, which are no longer pending */
    List<Region> takeSmall(int maxArea, long nowMillis) {
        List<Region> small = new ArrayList<>();
        for (java.util.Iterator<int[]> it = rects.iterator(); it.hasNext(); ) {
            int[] r = it.next();
            if ((long) (r[2] - r[0]) * (r[3] - r[1]) <= maxArea) {
                small.add(new Region(r[0], r[1], r[2] - r[0], r[3] - r[1]));
                touchCells(r, nowMillis);
                it.remove();
            }
        }
        return small;
    }

    /** @return whether a pending changed rectangle lies within {@code gap} pixels of the given area */
    boolean anyNear(int x, int y, int w, int h, int gap) {
        for (int[] r : rects) {
            if (within(r[0], r[1], r[2], r[3], x, y, w, h, gap)) {
                return true;
            }
        }
        return false;
    }

    /** @return whether the box (x0, y0)–(x1, y1) comes within {@code gap} pixels of the area x, y, w × h */
    static boolean within(int x0, int y0, int x1, int y1, int x, int y, int w, int h, int gap) {
        return x0 < x + w + gap && x1 > x - gap && y0 < y + h + gap && y1 > y - gap;
    }

    /** @return the merged regions changed since the last call, and records their change rate */
    List<Region> take(long nowMillis) {
        coalesce(false);
        List<Region> regions = new ArrayList<>(rects.size());
        for (int[] r : rects) {
            regions.add(new Region(r[0], r[1], r[2] - r[0], r[3] - r[1]));
            touchCells(r, nowMillis);
        }
        rects.clear();
        return regions;
    }

    /** @return the merged regions changed since the last call, without counting them as updates */
    List<Region> drain() {
        coalesce(false);
        List<Region> regions = new ArrayList<>(rects.size());
        for (int[] r : rects) {
            regions.add(new Region(r[0], r[1], r[2] - r[0], r[3] - r[1]));
        }
        rects.clear();
        return regions;
    }

    /** @return the average update rate (per second) of the cells under the region */
    double changeRate(int x, int y, int w, int h) {
        int c0 = x / CELL;
        int c1 = (x + w - 1) / CELL;
        int r0 = y / CELL;
        int r1 = (y + h - 1) / CELL;
        double sum = 0;
        int n = 0;
        for (int r = r0; r <= r1; r++) {
            for (int c = c0; c <= c1; c++) {
                sum += rate[r * cols + c];
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    private void touchCells(int[] r, long now) {
        for (int row = r[1] / CELL; row <= (r[3] - 1) / CELL; row++) {
            for (int col = r[0] / CELL; col <= (r[2] - 1) / CELL; col++) {
                int i = row * cols + col;
                double dt = now - stamp[i];
                // Exponentially decayed count of updates: approximately updates per second.
                rate[i] = (float) (rate[i] * Math.exp(-dt / RATE_WINDOW_MS) + 1.0);
                stamp[i] = now;
            }
        }
    }

    private void coalesce(boolean aggressive) {
        boolean merged = true;
        while (merged) {
            merged = false;
            for (int i = 0; i < rects.size() && !merged; i++) {
                int[] a = rects.get(i);
                for (int j = i + 1; j < rects.size(); j++) {
                    int[] b = rects.get(j);
                    if (aggressive ? near(a, b) : mergeable(a, b[0], b[1], b[2], b[3])) {
                        union(a, b[0], b[1], b[2], b[3]);
                        rects.remove(j);
                        merged = true;
                        break;
                    }
                }
            }
            if (aggressive && !merged && rects.size() > MAX_RECTS / 2) {
                // Still too many scattered rectangles: fall back to one bounding box, except for a few small
                // ones (a typed character should stay small, see Display.flushSmall).
                List<int[]> small = new ArrayList<>();
                int[] all = null;
                for (int[] r : rects) {
                    if (small.size() < KEEP_SMALL && area(r) <= SMALL_AREA) {
                        small.add(r);
                    } else if (all == null) {
                        all = r;
                    } else {
                        union(all, r[0], r[1], r[2], r[3]);
                    }
                }
                rects.clear();
                if (all != null) {
                    rects.add(all);
                }
                rects.addAll(small);
            }
        }
    }

    /** Merge when the union wastes little area compared with encoding the two separately. */
    private static boolean mergeable(int[] a, int x0, int y0, int x1, int y1) {
        long areaA = (long) (a[2] - a[0]) * (a[3] - a[1]);
        long areaB = (long) (x1 - x0) * (y1 - y0);
        long union = (long) (Math.max(a[2], x1) - Math.min(a[0], x0)) * (Math.max(a[3], y1) - Math.min(a[1], y0));
        return union <= areaA + areaB + 4096;
    }

    private static long area(int[] r) {
        return (long) (r[2] - r[0]) * (r[3] - r[1]);
    }

    private static boolean near(int[] a, int[] b) {
        long areaA = area(a);
        long areaB = area(b);
        boolean smallA = areaA <= SMALL_AREA;
        if (smallA != (areaB <= SMALL_AREA)) {
            return false; // a small change stays small (see the fallback below)
        }
        long union = (long) (Math.max(a[2], b[2]) - Math.min(a[0], b[0])) * (Math.max(a[3], b[3]) - Math.min(a[1], b[1]));
        if (smallA && union > SMALL_AREA) {
            // two small changes some way apart (a typed character and an unrelated one) would become a large
            // one, which waits for the next full frame
            return false;
        }
        return union <= 2 * (areaA + areaB) + 16384;
    }

    private static void union(int[] a, int x0, int y0, int x1, int y1) {
        a[0] = Math.min(a[0], x0);
        a[1] = Math.min(a[1], y0);
        a[2] = Math.max(a[2], x1);
        a[3] = Math.max(a[3], y1);
    }
}
