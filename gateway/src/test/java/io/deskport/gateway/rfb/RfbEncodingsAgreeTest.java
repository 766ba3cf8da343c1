package io.deskport.gateway.rfb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.deskport.gateway.support.XvncDesktop;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The RFB client decodes a real Xvnc screen with text and colours to exactly the same pixels whether the
 * server sends ZRLE, Hextile or Raw (Raw being the trivially correct reference).
 */
class RfbEncodingsAgreeTest {

    static XvncDesktop desktop;
    static int[] reference;

    @BeforeAll
    static void start() throws Exception {
        desktop = XvncDesktop.start(Path.of("target", "xvnc-encodings"), 640, 400, null);
        desktop.launch("xterm-colours", "xterm", "-geometry", "70x20+5+5", "-bg", "#203040", "-fg", "#e0d070",
                "-e", "sh", "-c", "ls -la /usr/bin | head -40; sleep 600");
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> desktop.run(null, "xdotool", "search", "--onlyvisible", "--class", "xterm").exitCode() == 0);
        // the reference once xterm has finished drawing: two captures in a row agree
        int[][] previous = {null};
        await("the screen stopped changing").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    int[] now = capture("raw");
                    boolean settled = Arrays.equals(previous[0], now);
                    previous[0] = now;
                    return settled;
                });
        reference = previous[0];
    }

    @AfterAll
    static void stop() {
        if (desktop != null) {
            desktop.close();
        }
    }

    static int[] capture(String encoding) throws Exception {
        RfbOptions options = RfbOptions.of("127.0.0.1", desktop.port(), "");
        options = new RfbOptions(options.host(), options.port(), "", List.of(encoding), false, true, -1, -1,
                StandardCharsets.ISO_8859_1, options.connectTimeout(), options.stallTimeout(), 8192, 8192);
        try (RfbClient client = RfbClient.connect(options)) {
            int w = client.width();
            int h = client.height();
            int[] fb = new int[w * h];
            boolean[] drawn = new boolean[1];
            CompletableFuture<int[]> first = new CompletableFuture<>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    client.run(new RfbListener() {
                        @Override
                        public void resize(int width, int height) {
                        }

                        @Override
                        public void pixels(int x, int y, int width, int height, int[] data, int offset, int scan) {
                            drawn[0] = true;
                            for (int r = 0; r < height; r++) {
                                System.arraycopy(data, offset + r * scan, fb, (y + r) * w + x, width);
                            }
                        }

                        @Override
                        public void fill(int x, int y, int width, int height, int rgb) {
                            drawn[0] = true;
                            for (int r = 0; r < height; r++) {
                                Arrays.fill(fb, (y + r) * w + x, (y + r) * w + x + width, rgb);
                            }
                        }

                        @Override
                        public void copy(int srcX, int srcY, int width, int height, int dstX, int dstY) {
                            throw new AssertionError("no copy expected in a full update");
                        }

                        @Override
                        public void cursor(int hotX, int hotY, int width, int height, int[] argb) {
                        }

                        @Override
                        public void updateComplete() {
                            if (drawn[0]) {
                                first.complete(fb.clone());
                            } else {
                                // TigerVNC answers a full request with the screen layout alone; the pixels follow on the next request.
                                try {
                                    client.requestUpdate(true);
                                } catch (java.io.IOException e) {
                                    first.completeExceptionally(e);
                                }
                            }
                        }

                        @Override
                        public void clipboard(String text) {
                        }
                    });
                } catch (Exception e) {
                    first.completeExceptionally(e);
                }
            });
            int[] result = first.get(20, java.util.concurrent.TimeUnit.SECONDS);
            client.close();
            reader.join(5000);
            return result;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"zrle", "hextile"})
    void decodesToTheSamePixelsAsRaw(String encoding) throws Exception {
        assertThat(reference).isNotNull();
        assertThat(Arrays.stream(reference).distinct().count()).as("colours on the reference screen").isGreaterThan(2);
        int[] decoded = capture(encoding);
        assertThat(decoded).isEqualTo(reference);
    }
}
