package io.deskport.gateway.server;

import io.deskport.gateway.rfb.RfbOptions;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The connection parameters of the {@code vnc} protocol: the names announced in {@code args} (guacd's
 * order, see {@link #PARAMETERS}) and their typed values. Values follow guacd's rules: booleans are
 * true only for {@code "true"}, numbers fall back to their default when empty or invalid.
 *
 * @param hostname           VNC server host
 * @param port               VNC server port
 * @param readOnly           drop all input from this user
 * @param encodings          encodings to request, empty for the default list
 * @param password           VNC password (never logged)
 * @param swapRedBlue        swap red and blue for servers that get them wrong
 * @param remoteCursor       let the server draw the cursor into the framebuffer
 * @param autoretry          additional connection attempts, one second apart
 * @param clipboardCharset   charset of the RFB cut text
 * @param recordingPath      directory for the session recording, empty for none
 * @param recordingName      recording file name (guacd default {@code recording})
 * @param recordingExcludeOutput leave graphics out of the recording
 * @param recordingExcludeMouse  leave mouse events out of the recording
 * @param recordingIncludeKeys   put key events into the recording
 * @param createRecordingPath    create the recording directory if missing
 * @param disableCopy        do not pass the desktop's clipboard to clients
 * @param disablePaste       do not pass clients' clipboard to the desktop
 * @param forceLossless      never use lossy image formats
 * @param compressLevel      0–9 compression hint passed to the VNC server, -1 for none
 * @param qualityLevel       0–9 quality hint passed to the VNC server, -1 for none
 * @param allowJoinedInput   (Deskport) the owner lets users who join this connection send input
 */
public record VncSettings(String hostname, int port, boolean readOnly, List<String> encodings, String password,
                          boolean swapRedBlue, boolean remoteCursor, int autoretry, Charset clipboardCharset,
                          String recordingPath, String recordingName, boolean recordingExcludeOutput,
                          boolean recordingExcludeMouse, boolean recordingIncludeKeys, boolean createRecordingPath,
                          boolean disableCopy, boolean disablePaste, boolean forceLossless, int compressLevel,
                          int qualityLevel, boolean allowJoinedInput) {

    /**
     * Parameter names in the order sent in {@code args}: guacd's VNC list for a build without the
     * optional repeater, reverse-connect, audio and SFTP groups (which this gateway does not implement),
     * followed by 1.6's {@code compress-level}/{@code quality-level} and Deskport's {@code allow-joined-input}.
     */
    public static final List<String> PARAMETERS = List.of(
            "hostname", "port", "read-only", "encodings", "username", "password", "swap-red-blue", "color-depth",
            "cursor", "autoretry", "clipboard-encoding",
            "recording-path", "recording-name", "recording-exclude-output", "recording-exclude-mouse",
            "recording-include-keys", "create-recording-path", "disable-copy", "disable-paste",
            "wol-send-packet", "wol-mac-addr", "wol-broadcast-addr", "wol-udp-port", "wol-wait-time",
            "force-lossless", "compress-level", "quality-level", "allow-joined-input");

    /** guacd's default recording file name. */
    public static final String DEFAULT_RECORDING_NAME = "recording";

    /** Parses the values a client sent with {@code connect}. */
    public static VncSettings parse(Map<String, String> args) {
        String encodings = args.getOrDefault("encodings", "").trim();
        return new VncSettings(
                args.getOrDefault("hostname", "").trim(),
                integer(args, "port", 5900),
                bool(args, "read-only"),
                encodings.isEmpty() ? List.of() : Arrays.asList(encodings.split("\\s+")),
                args.getOrDefault("password", ""),
                bool(args, "swap-red-blue"),
                "remote".equals(args.get("cursor")),
                Math.max(0, Math.min(100, integer(args, "autoretry", 0))),
                charset(args.getOrDefault("clipboard-encoding", "")),
                args.getOrDefault("recording-path", ""),
                nonEmpty(args.get("recording-name"), DEFAULT_RECORDING_NAME),
                bool(args, "recording-exclude-output"),
                bool(args, "recording-exclude-mouse"),
                bool(args, "recording-include-keys"),
                bool(args, "create-recording-path"),
                bool(args, "disable-copy"),
                bool(args, "disable-paste"),
                bool(args, "force-lossless"),
                level(args, "compress-level"),
                level(args, "quality-level"),
                bool(args, "allow-joined-input"));
    }

    /** @return the RFB client options for these settings */
    public RfbOptions rfbOptions(Duration timeout, int maxSize) {
        return new RfbOptions(hostname, port, password, encodings, swapRedBlue, !remoteCursor, compressLevel,
                qualityLevel, clipboardCharset, timeout, timeout, maxSize, maxSize);
    }

    @Override
    public String toString() {
        return "VncSettings[" + hostname + ":" + port + (readOnly ? ", read-only" : "")
                + (password.isEmpty() ? "" : ", password=***") + (recordingPath.isEmpty() ? "" : ", recording")
                + "]";
    }

    private static boolean bool(Map<String, String> args, String name) {
        return "true".equals(args.get(name));
    }

    private static int integer(Map<String, String> args, String name, int fallback) {
        try {
            return Integer.parseInt(args.getOrDefault(name, "").trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static int level(Map<String, String> args, String name) {
        int v = integer(args, name, -1);
        return v >= 0 && v <= 9 ? v : -1;
    }

    private static String nonEmpty(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }

    private static Charset charset(String name) {
        return switch (name.toUpperCase()) {
            case "UTF-8" -> StandardCharsets.UTF_8;
            case "UTF-16" -> StandardCharsets.UTF_16;
            case "CP1252" -> Charset.forName("windows-1252");
            default -> StandardCharsets.ISO_8859_1;
        };
    }
}
