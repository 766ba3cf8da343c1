package io.deskport.gateway.display;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the display pipeline sends for typical drawing sequences. */
class DisplayTest {

    /** Records canvas calls as short strings. */
    static final class RecordingCanvas implements Canvas {
        final List<String> calls = new ArrayList<>();

        @Override
        public void resize(int width, int height) {
            calls.add("size " + width + "x" + height);
        }

        @Override
        public void copy(int srcX, int srcY, int width, int height, int dstX, int dstY) {
            calls.add("copy " + srcX + "," + srcY + " " + width + "x" + height + " to " + dstX + "," + dstY);
        }

        @Override
        public void fill(int x, int y, int width, int height, int rgb) {
            calls.add(String.format("fill %d,%d %dx%d #%06x", x, y, width, height, rgb));
        }

        @Override
        public void image(int x, int y, String mimetype, byte[] data, int length) {
            calls.add("image " + mimetype + " at " + x + "," + y);
        }

        @Override
        public void cursor(int hotX, int hotY, int width, int height, byte[] png, int length) {
            calls.add("cursor " + width + "x" + height);
        }

        @Override
        public void endFrame() {
            calls.add("sync");
        }
    }

    private final RecordingCanvas canvas = new RecordingCanvas();
    private final Display display = new Display(canvas);

    private static int[] text(int w, int h) {
        int[] px = new int[w * h];
        for (int i = 0; i < px.length; i++) {
            px[i] = (i * 31 % 7 == 0) ? 0 : 0xffffff;
        }
        return px;
    }

    @Test
    void aSolidAreaIsSentAsAFill() {
        display.resize(200, 100);
        display.fill(0, 0, 200, 100, 0x336699);
        display.flush(ImagePolicy.LOSSLESS);
        assertThat(canvas.calls).containsExactly("size 200x100", "fill 0,0 200x100 #336699", "sync");
    }

    @Test
    void aTallAreaOfTextIsOneImageNotOnePerBand() {
        display.resize(640, 480);
        display.pixels(0, 0, 640, 300, text(640, 300), 0, 640);
        display.flush(ImagePolicy.LOSSLESS);
        assertThat(canvas.calls).containsExactly("size 640x480", "image image/png at 0,0", "sync"); // not five 64-row bands
    }

    @Test
    void bandsWithAThirdColourEndTheTwoColourImage() {
        display.resize(100, 256);
        int[] px = text(100, 256);
        for (int i = 100 * 130; i < 100 * 140; i++) {
            px[i] = 0xff0000; // a red line in the third band
        }
        display.pixels(0, 0, 100, 256, px, 0, 100);
        display.flush(ImagePolicy.LOSSLESS);
        assertThat(canvas.calls).containsExactly("size 100x256", "image image/png at 0,0", "image image/png at 0,128",
                "image image/png at 0,192", "sync");
    }

    @Test
    void onlyTheChangedAreaIsEncoded() {
        display.resize(1280, 800);
        display.flush(ImagePolicy.LOSSLESS);
        canvas.calls.clear();
        display.pixels(100, 200, 300, 16, text(300, 16), 0, 300);
        display.flush(ImagePolicy.LOSSLESS);
        assertThat(canvas.calls).containsExactly("image image/png at 100,200", "sync");
    }

    @Test
    void aCopyOfWhatTheClientDoesNotShowYetIsSentAsPixels() {
        display.resize(100, 100);
        display.pixels(0, 0, 50, 10, text(50, 10), 0, 50);
        display.copy(0, 0, 50, 10, 0, 20);
        display.flush(ImagePolicy.LOSSLESS);
        assertThat(canvas.calls).noneMatch(c -> c.startsWith("copy")).contains("sync");
    }

    @Test
    void scrolledContentIsMovedNotReencoded() {
        display.resize(640, 480);
        display.pixels(0, 0, 640, 480, text(640, 480), 0, 640);
        display.flush(ImagePolicy.LOSSLESS);
        canvas.calls.clear();
        display.copy(0, 16, 640, 464, 0, 0);
        display.pixels(0, 464, 640, 16, text(640, 16), 0, 640);
        display.flush(ImagePolicy.LOSSLESS);
        assertThat(canvas.calls).containsExactly("copy 0,16 640x464 to 0,0", "image image/png at 0,464", "sync");
    }

    @Test
    void fastChangingPhotographicAreasUseJpegOnlyWhenAllowed() {
        display.resize(256, 128);
        int[] photo = new int[256 * 64];
        for (int frame = 0; frame < 8; frame++) {
            for (int i = 0; i < photo.length; i++) {
                photo[i] = (i * 2654435761L + frame * 977L) % 0xffffff > 0 ? (int) ((i * 2654435761L + frame) & 0xffffff) : 0;
            }
            display.pixels(0, 0, 256, 64, photo, 0, 256);
            canvas.calls.clear();
            display.flush(ImagePolicy.forLag(true, 10));
        }
        assertThat(canvas.calls).contains("image image/jpeg at 0,0");
        display.pixels(0, 0, 256, 64, photo, 0, 256);
        canvas.calls.clear();
        display.flush(ImagePolicy.LOSSLESS);
        assertThat(canvas.calls).noneMatch(c -> c.contains("jpeg"));
    }

    @Test
    void aJoiningViewerGetsTheWholeScreenAndCursor() {
        display.resize(128, 128);
        display.pixels(0, 0, 128, 64, text(128, 64), 0, 128);
        display.cursor(1, 1, 2, 2, new int[] {0xff000000, 0, 0, 0xffffffff});
        display.flush(ImagePolicy.LOSSLESS);
        RecordingCanvas joiner = new RecordingCanvas();
        display.drawFullScreen(joiner);
        assertThat(joiner.calls).containsExactly("size 128x128", "image image/png at 0,0", "cursor 2x2", "sync");
    }

    @Test
    void qualityFallsWithLag() {
        assertThat(ImagePolicy.forLag(true, 5).jpegQuality()).isEqualTo(90);
        assertThat(ImagePolicy.forLag(true, 50).jpegQuality()).isEqualTo(60);
        assertThat(ImagePolicy.forLag(true, 500).jpegQuality()).isEqualTo(30);
        assertThat(Arrays.asList(ImagePolicy.LOSSLESS.jpegAllowed())).containsExactly(false);
    }
}
