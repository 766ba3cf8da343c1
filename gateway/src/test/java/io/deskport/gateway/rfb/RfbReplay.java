package io.deskport.gateway.rfb;

import io.deskport.gateway.display.Canvas;
import io.deskport.gateway.display.Display;
import io.deskport.gateway.display.ImagePolicy;
import io.deskport.gateway.protocol.InstructionWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A profiling tool, not a test: replays an RFB stream recorded by {@code bench/streaming --capture-rfb FILE}
 * through the gateway's decoder, display pipeline and Guacamole serialisation, on one thread, and prints
 * the CPU time of decoding and of encoding per second of recorded session. Frames are flushed like the
 * frame thread would with a fixed frame interval (in recorded time). Deterministic, so encoder changes can
 * be compared on a busy machine.
 *
 * <p>{@code java -cp gateway/target/classes:gateway/target/test-classes:<deps> io.deskport.gateway.rfb.RfbReplay FILE [frame-ms] [rounds]}
 */
public final class RfbReplay {

    private static final boolean DEBUG = Boolean.getBoolean("replay.debug");
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long frameMillis = args.length > 1 ? Long.parseLong(args[1]) : 16;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        List<long[]> marks = new ArrayList<>(); // [byte offset, nanoTime]
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
            while (true) {
                long t;
                try {
                    t = in.readLong();
                } catch (EOFException e) {
                    break;
                }
                int n = in.readInt();
                byte[] b = in.readNBytes(n);
                all.write(b);
                marks.add(new long[] {all.size(), t});
            }
        }
        byte[] stream = all.toByteArray();
        // The minimum over rounds: the least disturbed by other work on the machine (the first rounds warm the JIT).
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
        for (int round = 1; round <= rounds; round++) {
            replay(stream, marks, frameMillis, round == rounds, best);
        }
        System.out.printf("replay: best of %d rounds: decode %.1f, encode %.1f ms/s%n", rounds, best[0], best[1]);
    }

    private static void replay(byte[] stream, List<long[]> marks, long frameMillis, boolean print, double[] best)
            throws IOException {
        CountingInput counting = new CountingInput(stream);
        RfbInput in = new RfbInput(counting);
        RfbOptions options = RfbOptions.of("replay", 5900, "x");
        RfbHandshake.ServerInit init = new RfbHandshake(in, OutputStream.nullOutputStream(), options).perform();
        UpdateReader reader = new UpdateReader(in, options, (w, h) -> { });
        reader.initialSize(init.width(), init.height());
        InstructionWriter out = new InstructionWriter(64 * 1024);
        long[] bytesOut = new long[1];
        Canvas canvas = new SerialisingCanvas(out, bytesOut);
        Display display = new Display(canvas);
        display.resize(init.width(), init.height());
        long decode = 0;
        long encode = 0;
        int frames = 0;
        int updates = 0;
        long firstTime = -1;
        long lastTime = 0;
        long lastFlush = Long.MIN_VALUE / 2;
        RfbListener listener = new RfbListener() {
            @Override public void resize(int width, int height) { display.resize(width, height); }
            @Override public void pixels(int x, int y, int w, int h, int[] data, int offset, int scan) {
                display.pixels(x, y, w, h, data, offset, scan);
            }
            @Override public void fill(int x, int y, int w, int h, int rgb) { display.fill(x, y, w, h, rgb); }
            @Override public void copy(int sx, int sy, int w, int h, int dx, int dy) { display.copy(sx, sy, w, h, dx, dy); }
            @Override public void cursor(int hotX, int hotY, int w, int h, int[] argb) { display.cursor(hotX, hotY, w, h, argb); }
            @Override public void updateComplete() { }
            @Override public void clipboard(String text) { }
        };
        int mark = 0;
        while (true) {
            int type;
            try {
                type = in.awaitMessageType();
            } catch (RfbException e) {
                break;
            }
            long c0 = THREADS.getCurrentThreadCpuTime();
            switch (type) {
                case 0 -> reader.read(listener);
                case 1 -> {
                    in.skip(1);
                    in.u16();
                    in.skip(in.u16() * 6L);
                }
                case 2 -> { }
                case 3 -> {
                    in.skip(3);
                    in.skip(in.s32());
                }
                case 150 -> { }
                default -> throw new IllegalStateException("message type " + type);
            }
            long c1 = THREADS.getCurrentThreadCpuTime();
            decode += c1 - c0;
            if (type != 0) {
                continue;
            }
            updates++;
            while (mark < marks.size() - 1 && marks.get(mark)[0] < counting.position()) {
                mark++;
            }
            long now = marks.get(mark)[1] / 1_000_000;
            if (firstTime < 0) {
                firstTime = now;
            }
            lastTime = now;
            if (now - lastFlush >= frameMillis && display.hasPendingChanges()) {
                if (display.flush(ImagePolicy.forLag(true, 10))) {
                    frames++;
                }
                out.reset();
                lastFlush = now;
                encode += THREADS.getCurrentThreadCpuTime() - c1;
            }
        }
        double s = Math.max(1, lastTime - firstTime) / 1000.0;
        best[0] = Math.min(best[0], decode / 1e6 / s);
        best[1] = Math.min(best[1], encode / 1e6 / s);
        if (print) {
            System.out.printf("replay: %.1f s recorded, %d updates (%.1f/s), %d frames (%.1f/s) at >= %d ms; CPU ms/s: decode %.1f, "
                            + "encode %.1f, total %.1f; %.0f bytes/s out; %s%n", s, updates, updates / s, frames, frames / s,
                    frameMillis, decode / 1e6 / s, encode / 1e6 / s, (decode + encode) / 1e6 / s, bytesOut[0] / s,
                    display.statistics());
        }
    }

    /** Serialises like the gateway's Guacamole canvas, so base64 and instruction building are counted. */
    private record SerialisingCanvas(InstructionWriter out, long[] bytes) implements Canvas {
        @Override public void resize(int width, int height) { out.begin("size").arg(0).arg(width).arg(height).end(); }
        @Override public void copy(int sx, int sy, int w, int h, int dx, int dy) {
            if (DEBUG) {
                System.out.printf("  copy %d,%d %dx%d by %d,%d%n", dx, dy, w, h, dx - sx, dy - sy);
            }
            out.begin("copy").arg(0).arg(sx).arg(sy).arg(w).arg(h).arg(14).arg(0).arg(dx).arg(dy).end();
        }
        @Override public void fill(int x, int y, int w, int h, int rgb) {
            out.begin("rect").arg(0).arg(x).arg(y).arg(w).arg(h).end();
            out.begin("cfill").arg(14).arg(0).arg((rgb >> 16) & 0xff).arg((rgb >> 8) & 0xff).arg(rgb & 0xff).arg(255).end();
        }
        @Override public void image(int x, int y, String mimetype, byte[] data, int length) {
            if (DEBUG) {
                try {
                    java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(new ByteArrayInputStream(data, 0, length));
                    System.out.printf("  %s %d,%d %dx%d %d bytes%n", mimetype, x, y, img.getWidth(), img.getHeight(), length);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            out.begin("img").arg(1).arg(14).arg(0).arg(mimetype).arg(x).arg(y).end();
            out.blobs(1, data, 0, length);
        }
        @Override public void cursor(int hotX, int hotY, int w, int h, byte[] png, int length) {
            out.blobs(1, png, 0, length);
        }
        @Override public void endFrame() {
            if (DEBUG) {
                System.out.println("sync");
            }
            out.begin("sync").arg(1).arg(1).end();
            bytes[0] += out.toByteArray().length;
        }
    }

    private static final class CountingInput extends ByteArrayInputStream {
        CountingInput(byte[] b) {
            super(b);
        }

        long position() {
            return pos;
        }
    }
}
