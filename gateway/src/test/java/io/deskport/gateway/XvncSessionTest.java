package io.deskport.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.deskport.gateway.protocol.Instruction;
import io.deskport.gateway.protocol.InstructionParser;
import io.deskport.gateway.server.GatewayConfig;
import io.deskport.gateway.server.GatewayServer;
import io.deskport.gateway.support.GuacTestClient;
import io.deskport.gateway.support.RfbRequestRecorder;
import io.deskport.gateway.support.XvncDesktop;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway serving a real TigerVNC Xvnc desktop (security type None) to guacamole-common clients. Each
 * test has a desktop and a gateway of its own, and every program it starts on the desktop (xterms, xclip)
 * is stopped with the desktop after it.
 */
class XvncSessionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** A person's typing rhythm: fewer changes a second than the gateway's quiet threshold (Display.QUIET_RATE). */
    private static final Duration KEY_INTERVAL = Duration.ofMillis(150);

    @TempDir
    Path work;

    XvncDesktop desktop;
    GatewayServer gateway;

    @BeforeEach
    void startDesktopAndGateway() throws Exception {
        desktop = XvncDesktop.start(Path.of("target", "xvnc-session"), 1280, 800, null);
        gateway = new GatewayServer(GatewayConfig.defaults().withListen(InetAddress.getLoopbackAddress(), 0)).start();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.stop();
        }
        if (desktop != null) {
            desktop.close();
        }
    }

    private Map<String, String> vnc(String... extra) {
        Map<String, String> p = new java.util.HashMap<>(Map.of("hostname", "127.0.0.1", "port", String.valueOf(desktop.port())));
        for (int i = 0; i + 1 < extra.length; i += 2) {
            p.put(extra[i], extra[i + 1]);
        }
        return p;
    }

    /** Starts an xterm that writes what is typed into it to {@code typed} (line by line), and waits until it is mapped. */
    private void startTypingXterm(String title, String geometry, Path typed) throws Exception {
        desktop.launch("xterm-" + title, "xterm", "-T", title, "-geometry", geometry, "-e", "sh", "-c", "cat > " + typed);
        desktop.awaitWindow(title);
    }

    /** Puts text on the screen, so that the desktop is sent as images (an empty Xvnc screen is one fill). */
    private void showText() throws Exception {
        desktop.launch("xterm-text", "xterm", "-T", "text-term", "-geometry", "80x24+0+0", "-e", "sh", "-c",
                "ls -l /etc; exec sleep 1000000");
        desktop.awaitWindow("text-term");
    }

    @Test
    void guacamoleCommonClientReceivesTheDesktopAsSizeImagesAndSync() throws Exception {
        showText();
        try (GuacTestClient client = GuacTestClient.connect(gateway.port(), vnc())) {
            assertThat(client.connectionId()).matches("\\$[0-9a-f-]{36}");
            GuacamoleInstruction size = client.await("size of the default layer", TIMEOUT,
                    i -> i.getOpcode().equals("size") && i.getArgs().getFirst().equals("0"));
            assertThat(size.getArgs()).containsExactly("0", "1280", "800");
            // the size may go out in a frame of its own, before the desktop's first update arrives
            await("a frame with the desktop's images").atMost(TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> {
                List<String> opcodes = client.received().stream().map(GuacamoleInstruction::getOpcode).toList();
                int firstImage = opcodes.indexOf("img");
                return firstImage >= 0 && opcodes.subList(firstImage, opcodes.size()).contains("sync");
            });
            assertThat(client.all("img")).isNotEmpty().allSatisfy(img -> {
                assertThat(img.getArgs().get(3)).isIn("image/png", "image/jpeg");
            });
            assertThat(client.count("blob")).isPositive();
            assertThat(client.count("end")).isPositive();
            assertThat(client.all("blob")).allSatisfy(b -> assertThat(b.getArgs().get(1).length()).isLessThanOrEqualTo(8064));
            assertThat(gateway.connection(client.connectionId())).isPresent();
        }
    }

    @Test
    void keysTypedThroughTheTunnelReachAnXterm() throws Exception {
        Path typed = work.resolve("typed.txt");
        startTypingXterm("keys-term", "80x10+0+0", typed);
        try (GuacTestClient client = GuacTestClient.connect(gateway.port(), vnc())) {
            client.awaitOpcode("sync", TIMEOUT);
            // Without a window manager the keyboard focus follows the pointer: move it over the xterm.
            client.send("mouse", "100", "60", "0");
            client.type("hello gateway\n");
            await("typed text in the file").atMost(TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.exists(typed) && Files.readString(typed).equals("hello gateway\n"));
        }
    }

    /**
     * With the rest of the screen busy, a key typed after an echo was seen asks Xvnc only for the area around
     * that echo (so the echo is not sent behind everything else that changed), and every key still arrives.
     */
    @Test
    void onABusyScreenAKeyAsksXvncForTheTypingAreaFirst() throws Exception {
        Path typed = work.resolve("area.txt");
        desktop.launch("xterm-busy", "xterm", "-T", "busy-term", "-geometry", "40x20+700+0", "-e", "sh", "-c",
                "while :; do date +%N; sleep 0.01; done");
        desktop.awaitWindow("busy-term");
        startTypingXterm("area-term", "60x5+0+500", typed);
        try (RfbRequestRecorder recorder = new RfbRequestRecorder(desktop.port());
             GuacTestClient client = GuacTestClient.connect(gateway.port(),
                     Map.of("hostname", "127.0.0.1", "port", String.valueOf(recorder.port())))) {
            client.awaitOpcode("sync", TIMEOUT);
            await("the area-term on the screen").atMost(TIMEOUT).until(() -> drawsOnTheAreaTerminal(client.received(), 0));
            client.send("mouse", "100", "530", "0");
            String keys = "abcdefghijkl";
            for (char c : keys.toCharArray()) {
                int sent = client.received().size();
                client.type(String.valueOf(c));
                // the next key once this one's echo was seen, at a person's rhythm
                await("echo of " + c).pollDelay(KEY_INTERVAL).atMost(TIMEOUT).pollInterval(Duration.ofMillis(10))
                        .until(() -> drawsOnTheAreaTerminal(client.received(), sent));
            }
            client.type("\n");
            await("typed text in the file").atMost(TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.exists(typed) && Files.readString(typed).equals(keys + "\n"));

            assertThat(recorder.failure()).isNull();
            List<RfbRequestRecorder.Request> areaRequests = recorder.messages().stream()
                    .filter(m -> m instanceof RfbRequestRecorder.Request r && (r.width() < 1280 || r.height() < 800))
                    .map(RfbRequestRecorder.Request.class::cast).toList();
            // around the typed characters: the xterm's first line, from x 0, near y 500. The first key's area is
            // a guess made before any echo was seen: on this busy screen (and a loaded machine) it may be the
            // busy terminal's change, so one request may lie elsewhere
            java.util.function.Predicate<RfbRequestRecorder.Request> aroundTheTypedLine = r -> r.incremental() && r.x() == 0
                    && r.y() >= 460 && r.y() <= 530 && r.y() + r.height() >= 505 && r.y() + r.height() <= 580
                    && r.width() < 600;
            assertThat(areaRequests).as("requests for less than the whole screen").isNotEmpty();
            assertThat(areaRequests.stream().filter(aroundTheTypedLine.negate()).toList())
                    .as("area requests not around the typed line").hasSizeLessThanOrEqualTo(1);
            assertThat(areaRequests.stream().filter(aroundTheTypedLine).count()).as("around the typed line")
                    .isGreaterThanOrEqualTo(Math.max(1, areaRequests.size() - 1));
            // each is the first request after a key press: the typing area is asked for only then
            List<RfbRequestRecorder.Message> all = recorder.messages();
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i) instanceof RfbRequestRecorder.Request r && areaRequests.contains(r)) {
                    int before = i - 1;
                    while (all.get(before) instanceof RfbRequestRecorder.Key k && !k.down()) {
                        before--;
                    }
                    assertThat(all.get(before)).isInstanceOf(RfbRequestRecorder.Key.class);
                }
            }
        }
    }

    /** @return whether an image or fill from instruction {@code from} on lies on the area-term (x 0, y 500, 60x5) */
    private static boolean drawsOnTheAreaTerminal(List<GuacamoleInstruction> received, int from) {
        for (GuacamoleInstruction i : received.subList(from, received.size())) {
            List<String> a = i.getArgs();
            // img: stream, mask, layer, mimetype, x, y; rect: layer, x, y, width, height
            int[] xy = switch (i.getOpcode()) {
                case "img" -> new int[] {Integer.parseInt(a.get(4)), Integer.parseInt(a.get(5))};
                case "rect" -> new int[] {Integer.parseInt(a.get(1)), Integer.parseInt(a.get(2))};
                default -> null;
            };
            if (xy != null && xy[0] < 600 && xy[1] >= 490 && xy[1] < 600) {
                return true;
            }
        }
        return false;
    }

    @Test
    void clipboardTextCrossesFromTheDesktopToTheClient() throws Exception {
        try (GuacTestClient client = GuacTestClient.connect(gateway.port(), vnc())) {
            client.awaitOpcode("sync", TIMEOUT);
            // in the foreground (-quiet), so that it is stopped with the desktop rather than left serving the selection
            desktop.launch("xclip", "sh", "-c", "printf %s 'from the desktop' | exec xclip -quiet -selection clipboard -i");
            await("clipboard stream received").atMost(TIMEOUT)
                    .until(() -> client.clipboardTexts().contains("from the desktop"));
            assertThat(client.all("clipboard")).allSatisfy(c -> assertThat(c.getArgs().get(1)).isEqualTo("text/plain"));
        }
    }

    @Test
    void clipboardTextCrossesFromTheClientToTheDesktop() throws Exception {
        try (GuacTestClient client = GuacTestClient.connect(gateway.port(), vnc())) {
            client.awaitOpcode("sync", TIMEOUT);
            client.sendClipboard("from the browser");
            await("X clipboard content").atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
                    .until(() -> desktop.run(null, "xclip", "-selection", "clipboard", "-o").output(), o -> o.equals("from the browser"));
        }
    }

    @Test
    void disablePasteKeepsTheClientClipboardAwayFromTheDesktop() throws Exception {
        try (GuacTestClient client = GuacTestClient.connect(gateway.port(), vnc("disable-paste", "true", "disable-copy", "true"))) {
            client.awaitOpcode("sync", TIMEOUT);
            client.sendClipboard("must not arrive");
            // A second, allowed client proves the channel works, so the absence below is meaningful.
            try (GuacTestClient other = GuacTestClient.connect(gateway.port(), vnc())) {
                other.awaitOpcode("sync", TIMEOUT);
                other.sendClipboard("allowed");
                await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
                        .until(() -> desktop.run(null, "xclip", "-selection", "clipboard", "-o").output(), o -> o.equals("allowed"));
            }
            assertThat(client.clipboardTexts()).doesNotContain("allowed");
        }
    }

    @Test
    void aSecondClientJoinsByIdAndReceivesTheScreen() throws Exception {
        showText();
        try (GuacTestClient owner = GuacTestClient.connect(gateway.port(), vnc())) {
            owner.awaitOpcode("sync", TIMEOUT);
            try (GuacTestClient joiner = GuacTestClient.join(gateway.port(), owner.connectionId(), Map.of())) {
                assertThat(joiner.connectionId()).isEqualTo(owner.connectionId());
                GuacamoleInstruction size = joiner.awaitOpcode("size", TIMEOUT);
                assertThat(size.getArgs()).containsExactly("0", "1280", "800");
                joiner.awaitOpcode("sync", TIMEOUT);
                // The full screen arrives: images (or fills) covering every row.
                assertThat(rowsDrawnInFirstFrame(joiner.received())).isEqualTo(800);
                await().atMost(TIMEOUT).until(() -> gateway.connection(owner.connectionId()).orElseThrow().viewerCount() == 2);
            }
        }
    }

    @Test
    void joinedViewersAreReadOnlyUnlessTheOwnerAllowsInput() throws Exception {
        Path typed = work.resolve("join-typed.txt");
        startTypingXterm("join-term", "80x10+0+300", typed);
        try (GuacTestClient owner = GuacTestClient.connect(gateway.port(), vnc())) {
            owner.awaitOpcode("sync", TIMEOUT);
            try (GuacTestClient joiner = GuacTestClient.join(gateway.port(), owner.connectionId(), Map.of())) {
                joiner.awaitOpcode("sync", TIMEOUT);
                joiner.send("mouse", "100", "360", "0");
                joiner.type("joiner\n");
                owner.send("mouse", "100", "360", "0");
                owner.type("owner\n");
                await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100))
                        .until(() -> Files.exists(typed) && Files.readString(typed).contains("owner\n"));
                assertThat(Files.readString(typed)).isEqualTo("owner\n");
            }
        }
    }

    @Test
    void recordingIsAPlayableInstructionStream() throws Exception {
        showText();
        Path recordings = work.resolve("recordings/sub");
        String id;
        try (GuacTestClient client = GuacTestClient.connect(gateway.port(), vnc("recording-path", recordings.toString(),
                "recording-name", "session-1", "create-recording-path", "true", "recording-include-keys", "true"))) {
            id = client.connectionId();
            client.awaitOpcode("sync", TIMEOUT);
            client.send("mouse", "10", "10", "0");
            client.send("key", "65", "1");
            client.send("key", "65", "0");
            await().atMost(TIMEOUT).until(() -> gateway.connection(id).flatMap(c -> c.recording()).isPresent());
        }
        await("connection ended").atMost(TIMEOUT).until(() -> gateway.connection(id).isEmpty());
        Path file = recordings.resolve("session-1");
        assertThat(file).exists();
        List<Instruction> instructions = new ArrayList<>();
        InstructionParser parser = new InstructionParser(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        for (Instruction i = parser.read(); i != null; i = parser.read()) {
            instructions.add(i);
        }
        List<String> opcodes = instructions.stream().map(Instruction::opcode).toList();
        assertThat(opcodes).contains("size", "img", "blob", "end", "sync", "mouse", "key");
        assertThat(opcodes).doesNotContain("ready", "args", "nop");
        List<Long> syncs = instructions.stream().filter(i -> i.opcode().equals("sync"))
                .map(i -> Long.parseLong(i.args().getFirst())).toList();
        assertThat(syncs).isSorted();
    }

    @Test
    void hextileAndRawEncodingsAlsoDeliverTheScreen() throws Exception {
        showText();
        for (String encoding : List.of("hextile", "raw")) {
            try (GuacTestClient client = GuacTestClient.connect(gateway.port(), vnc("encodings", encoding))) {
                client.awaitOpcode("img", TIMEOUT);
                client.awaitOpcode("sync", TIMEOUT);
                assertThat(client.failure()).isNull();
            }
        }
    }

    /** @return how many rows of the screen the first frame's images and fills cover (PNG heights from IHDR) */
    private static int rowsDrawnInFirstFrame(java.util.List<GuacamoleInstruction> received) {
        boolean[] covered = new boolean[800];
        int imageY = -1;
        for (GuacamoleInstruction i : received) {
            java.util.List<String> a = i.getArgs();
            switch (i.getOpcode()) {
                case "sync" -> {
                    int n = 0;
                    for (boolean row : covered) {
                        n += row ? 1 : 0;
                    }
                    return n;
                }
                case "rect" -> java.util.Arrays.fill(covered, Integer.parseInt(a.get(2)),
                        Math.min(800, Integer.parseInt(a.get(2)) + Integer.parseInt(a.get(4))), true);
                case "img" -> imageY = a.get(2).equals("0") ? Integer.parseInt(a.get(5)) : -1;
                case "blob" -> {
                    if (imageY >= 0) {
                        byte[] png = java.util.Base64.getDecoder().decode(a.get(1));
                        int h = java.nio.ByteBuffer.wrap(png, 20, 4).getInt(); // IHDR height
                        java.util.Arrays.fill(covered, imageY, Math.min(800, imageY + h), true);
                        imageY = -1;
                    }
                }
                default -> {
                }
            }
        }
        return 0;
    }
}
