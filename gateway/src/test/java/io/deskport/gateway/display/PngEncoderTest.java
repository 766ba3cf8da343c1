package io.deskport.gateway.display;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Our PNG writer's output decodes, with the JDK's independent PNG reader, to exactly the source pixels. */
class PngEncoderTest {

    private final PngEncoder png = new PngEncoder();

    private static int[] randomPixels(Random random, int count, int colors) {
        int[] palette = new int[colors];
        for (int i = 0; i < colors; i++) {
            palette[i] = random.nextInt(0x1000000);
        }
        int[] px = new int[count];
        for (int i = 0; i < count; i++) {
            px[i] = palette[random.nextInt(colors)];
        }
        return px;
    }

    private static BufferedImage decode(byte[] data, int length) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(Arrays.copyOf(data, length)));
    }

    @ParameterizedTest(name = "{0} colours")
    @ValueSource(ints = {2, 3, 4, 7, 16, 17, 200, 256})
    void paletteImagesDecodeToTheSourcePixels(int colors) throws IOException {
        int stride = 101;
        int[] px = randomPixels(new Random(colors), stride * 37, colors);
        ColorTable table = new ColorTable();
        // A region that starts inside the buffer and has an odd width, to exercise bit packing and padding.
        assertThat(table.collect(px, stride, 3, 2, 93, 33)).isTrue();
        int n = png.encodePalette(px, stride, 3, 2, 93, 33, table);
        BufferedImage img = decode(png.buffer(), n);
        assertThat(img.getWidth()).isEqualTo(93);
        assertThat(img.getHeight()).isEqualTo(33);
        for (int y = 0; y < 33; y++) {
            for (int x = 0; x < 93; x++) {
                assertThat(img.getRGB(x, y) & 0xffffff).as("pixel %d,%d", x, y).isEqualTo(px[(y + 2) * stride + x + 3]);
            }
        }
    }

    @Test
    void twoColourImagesDecodeToTheSourcePixels() throws IOException {
        int stride = 101;
        int[] px = randomPixels(new Random(2), stride * 37, 2);
        int[] pair = {TwoColors.NONE, TwoColors.NONE};
        assertThat(TwoColors.fit(px, stride, 3, 2, 93, 33, pair)).isTrue();
        int n = png.encodeTwoColors(px, stride, 3, 2, 93, 33, pair[0], pair[1]);
        BufferedImage img = decode(png.buffer(), n);
        for (int y = 0; y < 33; y++) {
            for (int x = 0; x < 93; x++) {
                assertThat(img.getRGB(x, y) & 0xffffff).as("pixel %d,%d", x, y).isEqualTo(px[(y + 2) * stride + x + 3]);
            }
        }
    }

    @Test
    void twoColoursFitUntilAThirdAppears() {
        int[] px = {5, 5, 9, 5, 9, 9, 7, 5};
        int[] pair = {TwoColors.NONE, TwoColors.NONE};
        assertThat(TwoColors.fit(px, 4, 0, 0, 4, 1, pair)).isTrue();
        assertThat(pair).containsExactly(5, 9);
        assertThat(TwoColors.fit(px, 4, 0, 1, 2, 1, pair)).isTrue();
        assertThat(TwoColors.fit(px, 4, 0, 1, 4, 1, pair)).isFalse();
        int[] single = {TwoColors.NONE, TwoColors.NONE};
        assertThat(TwoColors.fit(new int[] {3, 3, 3}, 3, 0, 0, 3, 1, single)).isTrue();
        assertThat(single).containsExactly(3, TwoColors.NONE);
    }

    @Test
    void moreThan256ColoursAreNotAPalette() {
        int[] px = new int[600];
        for (int i = 0; i < px.length; i++) {
            px[i] = i * 7919;
        }
        assertThat(new ColorTable().collect(px, 600, 0, 0, 600, 1)).isFalse();
    }

    @Test
    void trueColourImagesDecodeToTheSourcePixels() throws IOException {
        int[] px = randomPixels(new Random(1), 64 * 40, 5000);
        int n = png.encodeRgb(px, 64, 1, 1, 60, 37);
        BufferedImage img = decode(png.buffer(), n);
        for (int y = 0; y < 37; y++) {
            for (int x = 0; x < 60; x++) {
                assertThat(img.getRGB(x, y) & 0xffffff).isEqualTo(px[(y + 1) * 64 + x + 1]);
            }
        }
    }

    @Test
    void cursorImagesKeepTheirAlpha() throws IOException {
        int[] argb = {0xff112233, 0x00000000, 0xffabcdef, 0xff000000, 0x00000000, 0xffffffff};
        int n = png.encodeArgb(argb, 3, 2);
        BufferedImage img = decode(png.buffer(), n);
        assertThat(img.getRGB(0, 0)).isEqualTo(0xff112233);
        assertThat(img.getRGB(1, 0) >>> 24).isZero();
        assertThat(img.getRGB(2, 1)).isEqualTo(0xffffffff);
    }

    @Test
    void aTextLikeStripIsSmallAsOneBitPalette() {
        Random random = new Random(3);
        int[] px = new int[1280 * 16];
        Arrays.fill(px, 0xffffff);
        for (int i = 0; i < px.length; i++) {
            if (random.nextInt(6) == 0) {
                px[i] = 0;
            }
        }
        ColorTable table = new ColorTable();
        table.collect(px, 1280, 0, 0, 1280, 16);
        int palette = png.encodePalette(px, 1280, 0, 0, 1280, 16, table);
        int rgb = png.encodeRgb(px, 1280, 0, 0, 1280, 16);
        assertThat(palette).isLessThan(rgb / 2);
    }
}
