package io.deskport.bench.streaming;

import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

/**
 * What guacamole-common-js's {@code Guacamole.Display} does with the drawing instructions, done for real
 * so that the benchmark pays (and counts) what a browser pays: layers and buffers as images, {@code img}
 * streams decoded (PNG and JPEG, with the JDK's decoders) and composited, {@code copy}, {@code rect} +
 * {@code cfill}, and the cursor drawn into its buffer. Counts images, decoded pixels and image bytes.
 * Not thread-safe: the tunnel's receiving thread draws, others read under the caller's lock.
 */
final class GuacamoleScreen {

    private static final int MASK_COPY = 12;

    private record Stream(int layer, int mask, String mimetype, int x, int y, ByteArrayOutputStream data) {
    }

    private final Map<Integer, BufferedImage> layers = new HashMap<>();
    private final Map<Integer, List<int[]>> paths = new HashMap<>();
    private final Map<String, Stream> streams = new HashMap<>();

    long images;
    long jpegImages;
    long imagePixels;
    long imageBytes;
    long copies;
    long fills;
    long cursors;
    long decodeNanos;

    GuacamoleScreen() {
        layers.put(0, new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB));
    }

    /** Applies one instruction; returns false if it is not a drawing instruction. */
    boolean apply(String opcode, List<String> a) throws IOException {
        switch (opcode) {
            case "size" -> resize(i(a, 0), i(a, 1), i(a, 2));
            case "img" -> streams.put(a.get(0), new Stream(i(a, 2), i(a, 1), a.get(3), i(a, 4), i(a, 5), new ByteArrayOutputStream()));
            case "blob" -> {
                Stream s = streams.get(a.get(0));
                if (s != null) {
                    s.data().writeBytes(Base64.getDecoder().decode(a.get(1)));
                }
            }
            case "end" -> {
                Stream s = streams.remove(a.get(0));
                if (s != null) {
                    drawImage(s);
                }
            }
            case "copy" -> copy(i(a, 0), i(a, 1), i(a, 2), i(a, 3), i(a, 4), i(a, 6), i(a, 7), i(a, 8));
            case "rect" -> paths.computeIfAbsent(i(a, 0), k -> new ArrayList<>()).add(new int[] {i(a, 1), i(a, 2), i(a, 3), i(a, 4)});
            case "cfill" -> fill(i(a, 1), i(a, 2), i(a, 3), i(a, 4));
            case "cursor" -> cursors++;
            default -> {
                return false;
            }
        }
        return true;
    }

    int width() {
        return layers.get(0).getWidth();
    }

    int height() {
        return layers.get(0).getHeight();
    }

    /** @return a hash of the screen's pixels in the area (clipped to the screen) */
    long hash(Desktop.Area area) {
        BufferedImage screen = layers.get(0);
        int[] px = ((DataBufferInt) screen.getRaster().getDataBuffer()).getData();
        int w = screen.getWidth();
        long h = 1125899906842597L;
        for (int y = Math.max(0, area.y()); y < Math.min(screen.getHeight(), area.y() + area.height()); y++) {
            for (int x = Math.max(0, area.x()); x < Math.min(w, area.x() + area.width()); x++) {
                h = 31 * h + (px[y * w + x] & 0xffffff);
            }
        }
        return h;
    }

    private void resize(int layer, int w, int h) {
        if (w <= 0 || h <= 0) {
            return;
        }
        BufferedImage old = layers.get(layer);
        BufferedImage now = new BufferedImage(w, h, layer == 0 ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_INT_ARGB);
        if (old != null) {
            Graphics2D g = now.createGraphics();
            g.drawImage(old, 0, 0, null);
            g.dispose();
        }
        layers.put(layer, now);
    }

    private BufferedImage layer(int id) {
        return layers.computeIfAbsent(id, k -> new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB));
    }

    private void drawImage(Stream s) throws IOException {
        long t0 = System.nanoTime();
        byte[] bytes = s.data().toByteArray();
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
        if (image == null) {
            throw new IOException("undecodable " + s.mimetype() + " image of " + bytes.length + " bytes");
        }
        Graphics2D g = layer(s.layer()).createGraphics();
        g.setComposite(s.mask() == MASK_COPY ? AlphaComposite.Src : AlphaComposite.SrcOver);
        g.drawImage(image, s.x(), s.y(), null);
        g.dispose();
        decodeNanos += System.nanoTime() - t0;
        images++;
        if (s.mimetype().equals("image/jpeg")) {
            jpegImages++;
        }
        imagePixels += (long) image.getWidth() * image.getHeight();
        imageBytes += bytes.length;
    }

    private void copy(int src, int sx, int sy, int w, int h, int dst, int dx, int dy) {
        BufferedImage from = layer(src);
        BufferedImage to = layer(dst);
        if (w <= 0 || h <= 0) {
            return;
        }
        copies++;
        if (from == to && from.getType() == BufferedImage.TYPE_INT_RGB) {
            // Overlapping move within the screen (scrolling): row by row in the safe direction.
            int[] px = ((DataBufferInt) from.getRaster().getDataBuffer()).getData();
            int stride = from.getWidth();
            int cw = Math.min(w, Math.min(stride - sx, stride - dx));
            int ch = Math.min(h, Math.min(from.getHeight() - sy, from.getHeight() - dy));
            if (cw <= 0 || ch <= 0 || sx < 0 || sy < 0 || dx < 0 || dy < 0) {
                return;
            }
            if (dy > sy) {
                for (int r = ch - 1; r >= 0; r--) {
                    System.arraycopy(px, (sy + r) * stride + sx, px, (dy + r) * stride + dx, cw);
                }
            } else {
                for (int r = 0; r < ch; r++) {
                    System.arraycopy(px, (sy + r) * stride + sx, px, (dy + r) * stride + dx, cw);
                }
            }
            return;
        }
        Graphics2D g = to.createGraphics();
        g.drawImage(from.getSubimage(sx, sy, Math.min(w, from.getWidth() - sx), Math.min(h, from.getHeight() - sy)), dx, dy, null);
        g.dispose();
    }

    private void fill(int layer, int r, int g, int b) {
        List<int[]> rects = paths.remove(layer);
        if (rects == null) {
            return;
        }
        BufferedImage image = layer(layer);
        Graphics2D gr = image.createGraphics();
        gr.setColor(new java.awt.Color(r, g, b));
        for (int[] rect : rects) {
            gr.fillRect(rect[0], rect[1], rect[2], rect[3]);
            fills++;
        }
        gr.dispose();
    }

    private static int i(List<String> a, int index) {
        return Integer.parseInt(a.get(index));
    }
}
