package io.deskport.gateway.display;

import java.util.Arrays;

/**
 * The remote desktop's pixels as {@code 0x00RRGGBB} ints, row-major. Updated in the order the remote
 * server draws; read by the encoders when a frame is flushed.
 */
public final class Framebuffer {

    private int width;
    private int height;
    private int[] pixels;

    /** Creates a black framebuffer of the given size. */
    public Framebuffer(int width, int height) {
        resize(width, height);
    }

    /** @return width in pixels */
    public int width() {
        return width;
    }

    /** @return height in pixels */
    public int height() {
        return height;
    }

    /** @return the backing array; row {@code y} starts at {@code y * width()} */
    int[] pixels() {
        return pixels;
    }

    /** Replaces the content with a black framebuffer of the new size. */
    public void resize(int width, int height) {
        this.width = Math.max(0, width);
        this.height = Math.max(0, height);
        this.pixels = new int[this.width * this.height];
    }

    /** @return the pixel at (x, y) */
    public int pixel(int x, int y) {
        return pixels[y * width + x];
    }

    /** Copies a rectangle of pixels in; parts outside the framebuffer are ignored. */
    public void setPixels(int x, int y, int w, int h, int[] src, int offset, int scan) {
        int x0 = Math.max(0, x);
        int x1 = Math.min(width, x + w);
        int y1 = Math.min(height, y + h);
        if (x1 <= x0) {
            return;
        }
        for (int row = Math.max(0, y); row < y1; row++) {
            System.arraycopy(src, offset + (row - y) * scan + (x0 - x), pixels, row * width + x0, x1 - x0);
        }
    }

    /** Fills a rectangle with one colour. */
    public void fill(int x, int y, int w, int h, int rgb) {
        int x0 = Math.max(0, x);
        int x1 = Math.min(width, x + w);
        int y1 = Math.min(height, y + h);
        for (int row = Math.max(0, y); row < y1 && x1 > x0; row++) {
            Arrays.fill(pixels, row * width + x0, row * width + x1, rgb);
        }
    }

    /** Copies a rectangle within the framebuffer; source and destination may overlap. */
    public void copy(int sx, int sy, int w, int h, int dx, int dy) {
        if (sx < 0 || sy < 0 || dx < 0 || dy < 0 || sx + w > width || dx + w > width || sy + h > height
                || dy + h > height || w <= 0 || h <= 0) {
            return;
        }
        copyWithin(pixels, width, sx, sy, w, h, dx, dy);
    }

    /** Copies a rectangle within an array of rows of {@code stride} pixels, as a move: overlap is safe. */
    static void copyWithin(int[] pixels, int stride, int sx, int sy, int w, int h, int dx, int dy) {
        if (dy > sy) {
            for (int r = h - 1; r >= 0; r--) {
                System.arraycopy(pixels, (sy + r) * stride + sx, pixels, (dy + r) * stride + dx, w);
            }
        } else {
            for (int r = 0; r < h; r++) {
                System.arraycopy(pixels, (sy + r) * stride + sx, pixels, (dy + r) * stride + dx, w);
            }
        }
    }
}
