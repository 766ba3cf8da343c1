package io.deskport.gateway.rfb;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to reach and talk to one VNC server.
 *
 * @param host             host name or address of the VNC server
 * @param port             TCP port (5900 + display number usually)
 * @param password         password for VNC authentication, empty if none; never logged
 * @param encodings        encoding names in preference order ({@code zrle hextile copyrect raw}); unknown names are ignored
 * @param swapRedBlue      ask the server for red and blue swapped (for servers that get them wrong)
 * @param localCursor      ask the server to send its cursor shape (Cursor pseudo-encoding) instead of drawing it
 * @param compressLevel    0–9 compression hint for the server, or -1 to leave it to the server
 * @param qualityLevel     0–9 JPEG quality hint for the server, or -1 to leave it to the server
 * @param clipboardCharset how cut text is encoded on the wire (ISO-8859-1 per the RFB standard)
 * @param connectTimeout   time allowed to open the TCP connection and finish the RFB handshake
 * @param stallTimeout     time the server may pause in the middle of a message before the connection is declared dead
 * @param maxWidth         largest framebuffer width accepted
 * @param maxHeight        largest framebuffer height accepted
 */
public record RfbOptions(String host, int port, String password, List<String> encodings, boolean swapRedBlue,
                         boolean localCursor, int compressLevel, int qualityLevel, Charset clipboardCharset,
                         Duration connectTimeout, Duration stallTimeout, int maxWidth, int maxHeight) {

    /** Encodings used when none are configured, best first. */
    public static final List<String> DEFAULT_ENCODINGS = List.of("zrle", "copyrect", "hextile", "raw");

    public RfbOptions {
        Objects.requireNonNull(host, "host");
        password = password == null ? "" : password;
        encodings = encodings == null || encodings.isEmpty() ? DEFAULT_ENCODINGS : List.copyOf(encodings);
        clipboardCharset = clipboardCharset == null ? StandardCharsets.ISO_8859_1 : clipboardCharset;
    }

    /** Options with defaults for everything but the address. */
    public static RfbOptions of(String host, int port, String password) {
        return new RfbOptions(host, port, password, DEFAULT_ENCODINGS, false, true, -1, -1,
                StandardCharsets.ISO_8859_1, Duration.ofSeconds(15), Duration.ofSeconds(15), 8192, 8192);
    }

    @Override
    public String toString() {
        // The password stays out of logs.
        return "RfbOptions[" + host + ":" + port + ", encodings=" + encodings + ", password=" + (password.isEmpty() ? "none" : "***") + "]";
    }
}
