package io.deskport.gateway.display;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Moved content reaches the client as {@code copy}, and whatever the display sends, the client's picture
 * (PNG decoded, copies and fills applied in order, as guacamole-common-js does) equals the framebuffer.
 */
class DisplayMovesTest {

    /** A client screen: applies the canvas calls to its own pixels. */
    static final class ClientScreen implements Canvas {
        int width;
        int height;
        int[] pixels = new int[0];
        final List<String> copies = new ArrayList<>();
        int images;
        final List<String> fills = new ArrayList<>();
        int frames;
        final List<Integer> imagesAtFrame = new ArrayList<>();

        @Override
        public void resize(int w, int h) {
            int[] now = new int[w * h];
            for (int y = 0; y < Math.min(h, height); y++) {
                System.arraycopy(pixels, y * width, now, y * w, Math.min(w, width));
            }
            pixels = now;
            width = w;
            height = h;
        }

        @Override
        public void copy(int sx, int sy, int w, int h, int dx, int dy) {
            copies.add((dx - sx) + "," + (dy - sy));
            Framebuffer.copyWithin(pixels, width, sx, sy, w, h, dx, dy);
        }

        @Override
        public void fill(int x, int y, int w, int h, int rgb) {
            fills.add(w + "x" + h);
            for (int row = y; row < y + h; row++) {
                Arrays.fill(pixels, row * width + x, row * width + x + w, rgb);
            }
        }

        @Override
        public void image(int x, int y, String mimetype, byte[] data, int length) {
            images++;
            try {
                BufferedImage img = ImageIO.read(new ByteArrayInputStream(data, 0, length));
                for (int row = 0; row < img.getHeight(); row++) {
                    for (int col = 0; col < img.getWidth(); col++) {
                        pixels[(y + row) * width + x + col] = img.getRGB(col, row) & 0xffffff;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void cursor(int hotX, int hotY, int w, int h, byte[] png, int length) {
        }

        @Override
        public void endFrame() {
            frames++;
            imagesAtFrame.add(images);
        }
    }

    private final ClientScreen client = new ClientScreen();
    private final Display display = new Display(client);
    private final Random random = new Random(42);

    /** Terminal-like text: dark glyph strokes on a light background, different on every row. */
    private int[] text(int w, int h) {
        int[] px = new int[w * h];
        Arrays.fill(px, 0xf0f0f0);
        for (int i = 0; i < px.length; i++) {
            if (random.nextInt(5) == 0) {
                px[i] = 0x202020;
            }
        }
        return px;
    }

    /** A window: a title bar with a gradient and some text below. */
    private int[] window(int w, int h) {
        int[] px = text(w, h);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < w; x++) {
                px[y * w + x] = (x * 255 / w) << 16 | (y * 12) << 8 | 0x80;
            }
        }
        return px;
    }

    private void assertClientShowsTheFramebuffer() {
        assertThat(client.width).isEqualTo(display.width());
        for (int y = 0; y < display.height(); y++) {
            for (int x = 0; x < display.width(); x++) {
                int expected = display.pixel(x, y);
                if (client.pixels[y * client.width + x] != expected) {
                    throw new AssertionError("client differs at " + x + "," + y + ": "
                            + Integer.toHexString(client.pixels[y * client.width + x]) + " instead of " + Integer.toHexString(expected));
                }
            }
        }
    }

    @Test
    void aScrollReportedByTheServerIsSentAsACopyOfWhatTheClientShows() {
        display.resize(640, 480);
        display.pixels(0, 0, 640, 480, text(640, 480), 0, 640);
        display.flush(ImagePolicy.LOSSLESS);
        client.copies.clear();
        client.images = 0;

        // Two scrolls of 26 rows between two frames, each with its new lines.
        for (int i = 0; i < 2; i++) {
            display.copy(0, 26, 640, 454, 0, 0);
            display.pixels(0, 454, 640, 26, text(640, 26), 0, 640);
        }
        display.flush(ImagePolicy.LOSSLESS);

        assertThat(client.copies).containsExactly("0,-52");
        assertClientShowsTheFramebuffer();
    }

    @Test
    void aScrollSentAsPixelsIsFoundAndSentAsACopy() {
        display.resize(640, 480);
        int[] page = text(640, 600);
        display.pixels(0, 0, 640, 480, page, 0, 640);
        display.flush(ImagePolicy.LOSSLESS);
        client.copies.clear();

        display.pixels(0, 0, 640, 480, page, 39 * 640, 640); // the same page 39 rows further down
        display.flush(ImagePolicy.LOSSLESS);

        assertThat(client.copies).containsExactly("0,-39");
        assertClientShowsTheFramebuffer();
    }

    @Test
    void aWindowMovedAsPixelsIsSentAsACopyAndOnlyTheUncoveredBackgroundAsAFill() {
        display.resize(800, 600);
        display.fill(0, 0, 800, 600, 0x3050a0);
        int[] win = window(300, 200);
        display.pixels(100, 100, 300, 200, win, 0, 300);
        display.flush(ImagePolicy.LOSSLESS);
        client.copies.clear();
        client.images = 0;

        // The server repaints the window 23 px right and 11 px down, and the uncovered background.
        display.fill(100, 100, 300, 200, 0x3050a0);
        display.pixels(123, 111, 300, 200, win, 0, 300);
        display.flush(ImagePolicy.LOSSLESS);

        assertThat(client.copies).containsExactly("23,11");
        assertThat(client.images).isZero();
        assertClientShowsTheFramebuffer();
    }

    @Test
    void aScrollAndAMovingWindowInOneFrameAreBothCopies() {
        display.resize(1024, 768);
        display.fill(0, 0, 1024, 768, 0x3050a0);
        int[] page = text(500, 900);
        display.pixels(0, 0, 500, 700, page, 0, 500);
        int[] win = window(300, 200);
        display.pixels(600, 300, 300, 200, win, 0, 300);
        display.flush(ImagePolicy.LOSSLESS);
        client.copies.clear();

        display.copy(0, 40, 500, 660, 0, 0); // the server reports the scroll,
        display.pixels(0, 660, 500, 40, page, 700 * 500, 500);
        display.fill(600, 300, 300, 200, 0x3050a0); // but the window only as pixels
        display.pixels(590, 315, 300, 200, win, 0, 300);
        display.flush(ImagePolicy.LOSSLESS);

        assertThat(client.copies).containsExactlyInAnyOrder("0,-40", "-10,15");
        assertClientShowsTheFramebuffer();
    }

    @Test
    void repaintingWhatTheClientAlreadyShowsSendsNothing() {
        display.resize(320, 240);
        int[] px = text(320, 240);
        display.pixels(0, 0, 320, 240, px, 0, 320);
        display.flush(ImagePolicy.LOSSLESS);
        int frames = client.frames;
        int images = client.images;

        display.pixels(0, 0, 320, 240, px, 0, 320);
        assertThat(display.hasPendingChanges()).isTrue();
        assertThat(display.flush(ImagePolicy.LOSSLESS)).isFalse();

        assertThat(client.frames).isEqualTo(frames);
        assertThat(client.images).isEqualTo(images);
    }

    @Test
    void onlyTheChangedPixelsOfARepaintedAreaAreSent() {
        display.resize(640, 480);
        int[] px = text(640, 480);
        display.pixels(0, 0, 640, 480, px, 0, 640);
        display.flush(ImagePolicy.LOSSLESS);
        px[200 * 640 + 300] ^= 0xffffff;
        client.fills.clear();

        display.pixels(0, 0, 640, 480, px, 0, 640); // the whole area repainted, one pixel different
        int before = client.images;
        display.flush(ImagePolicy.LOSSLESS);

        assertThat(client.images - before).isZero();
        assertThat(client.fills).containsExactly("1x1");
        assertClientShowsTheFramebuffer();
    }

    /** A 640x480 screen of text, sent to the client. */
    private void aScreenOfTextShown() {
        display.resize(640, 480);
        display.pixels(0, 0, 640, 480, text(640, 480), 0, 640);
        display.flush(ImagePolicy.LOSSLESS);
    }

    /** Most of the screen changes, and one character is typed apart from it. */
    private void aScreenfulAndATypedCharacterChange() {
        display.pixels(0, 0, 500, 400, text(500, 400), 0, 500);
        display.pixels(600, 450, 8, 13, text(8, 13), 0, 8);
    }

    @Test
    void withSmallFirstATypedCharacterEndsAFrameBeforeAScreenfulOfText() {
        aScreenOfTextShown();
        int frames = client.frames;

        aScreenfulAndATypedCharacterChange();
        int imagesBefore = client.images;
        display.flush(ImagePolicy.LOSSLESS, true);

        assertThat(client.frames - frames).isEqualTo(2);
        assertThat(client.imagesAtFrame.get(client.imagesAtFrame.size() - 2) - imagesBefore).isEqualTo(1); // only the character
        assertClientShowsTheFramebuffer();
    }

    @Test
    void aSmallChangeCanGoOutAloneAndTheRestFollows() {
        aScreenOfTextShown();
        int images = client.images;
        aScreenfulAndATypedCharacterChange();
        assertThat(display.hasSmallChanges()).isTrue();

        assertThat(display.flushSmall(ImagePolicy.LOSSLESS)).isTrue();
        assertThat(client.images - images).isEqualTo(1);
        assertThat(display.hasSmallChanges()).isFalse();
        assertThat(display.hasPendingChanges()).isTrue();

        display.flush(ImagePolicy.LOSSLESS);
        assertClientShowsTheFramebuffer();
    }

    @Test
    void aSmallChangeAloneWhereTheScreenWasQuietIsReportedAsTheLikelyEcho() {
        aScreenOfTextShown();
        // a small area that changes with every frame (a clock, a spinner, the edge of a moving window)
        for (int frame = 0; frame < 20; frame++) {
            display.pixels(40, 40, 8, 13, text(8, 13), 0, 8);
            display.flushSmall(ImagePolicy.LOSSLESS);
        }
        display.takeQuietChange();
        display.pixels(40, 40, 8, 13, text(8, 13), 0, 8);
        assertThat(display.flushSmall(ImagePolicy.LOSSLESS)).isTrue();
        assertThat(display.takeQuietChange()).isNull();

        // the edge of a window moving into a quiet area comes next to a larger change
        display.pixels(300, 300, 200, 100, text(200, 100), 0, 200);
        display.pixels(300, 420, 40, 6, text(40, 6), 0, 40);
        assertThat(display.flushSmall(ImagePolicy.LOSSLESS)).isTrue();
        assertThat(display.takeQuietChange()).isNull();
        display.flush(ImagePolicy.LOSSLESS);

        display.pixels(300, 200, 8, 13, text(8, 13), 0, 8); // a typed character where nothing changed lately
        assertThat(display.flushSmall(ImagePolicy.LOSSLESS)).isTrue();
        assertThat(display.takeQuietChange()).isEqualTo(new Display.Area(300, 200, 8, 13));
        assertThat(display.takeQuietChange()).isNull();
    }

    @Test
    void aNewLineOfTextIsNotSentAheadOfTheFrame() {
        aScreenOfTextShown();
        display.pixels(0, 300, 600, 13, text(600, 13), 0, 600); // a terminal line: larger than 64x64 pixels
        assertThat(display.hasSmallChanges()).isFalse();
        assertThat(display.flushSmall(ImagePolicy.LOSSLESS)).isFalse();

        display.flush(ImagePolicy.LOSSLESS);
        assertClientShowsTheFramebuffer();
    }

    @Test
    void aTypedCharacterStaysASmallChangeAmongManyScatteredOnes() {
        display.resize(1280, 800);
        display.flush(ImagePolicy.LOSSLESS);
        display.pixels(1100, 740, 8, 13, text(8, 13), 0, 8);
        for (int i = 0; i < 200; i++) { // far more rectangles than the tracker keeps apart
            display.pixels((i * 97) % 700, (i * 53) % 600, 200, 150, text(200, 150), 0, 200);
        }
        assertThat(display.hasSmallChanges()).isTrue();
        display.flushSmall(ImagePolicy.LOSSLESS);
        display.flush(ImagePolicy.LOSSLESS);
        assertClientShowsTheFramebuffer();
    }

    @Test
    void theClientPictureStaysRightThroughRandomDrawing() {
        display.resize(400, 300);
        display.flush(ImagePolicy.LOSSLESS);
        for (int frame = 0; frame < 60; frame++) {
            int ops = 1 + random.nextInt(6);
            boolean smallFirst = random.nextBoolean();
            for (int op = 0; op < ops; op++) {
                int w = 1 + random.nextInt(200);
                int h = 1 + random.nextInt(150);
                int x = random.nextInt(400 - w + 1);
                int y = random.nextInt(300 - h + 1);
                switch (random.nextInt(4)) {
                    case 0 -> display.pixels(x, y, w, h, text(w, h), 0, w);
                    case 1 -> display.fill(x, y, w, h, random.nextInt(0x1000000));
                    case 2 -> {
                        int dx = random.nextInt(400 - w + 1);
                        int dy = random.nextInt(300 - h + 1);
                        display.copy(x, y, w, h, dx, dy);
                    }
                    default -> {
                        // move a block of existing content as pixels (what a server without CopyRect does)
                        int dx = Math.max(0, Math.min(400 - w, x + random.nextInt(41) - 20));
                        int dy = Math.max(0, Math.min(300 - h, y + random.nextInt(41) - 20));
                        int[] block = new int[w * h];
                        for (int row = 0; row < h; row++) {
                            for (int col = 0; col < w; col++) {
                                block[row * w + col] = display.pixel(x + col, y + row);
                            }
                        }
                        display.pixels(dx, dy, w, h, block, 0, w);
                    }
                }
            }
            if (random.nextInt(3) == 0) {
                display.flushSmall(ImagePolicy.LOSSLESS);
            }
            display.flush(ImagePolicy.LOSSLESS, smallFirst);
            assertClientShowsTheFramebuffer();
        }
        assertThat(client.copies).isNotEmpty();
    }
}
