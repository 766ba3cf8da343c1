package io.deskport.gateway.rfb;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The client side of the RFB handshake: protocol version (3.3, 3.7 or 3.8), security (None or VNC
 * authentication), ClientInit (shared) and ServerInit.
 */
final class RfbHandshake {

    private static final int SECURITY_INVALID = 0;
    private static final int SECURITY_NONE = 1;
    private static final int SECURITY_VNC_AUTH = 2;
    private static final int MAX_REASON_LENGTH = 64 * 1024;
    private static final int MAX_NAME_LENGTH = 64 * 1024;

    /** What the server announced in its ServerInit. */
    record ServerInit(int minorVersion, int width, int height, PixelFormat format, String name) {
    }

    private final RfbInput in;
    private final OutputStream out;
    private final RfbOptions options;

    RfbHandshake(RfbInput in, OutputStream out, RfbOptions options) {
        this.in = in;
        this.out = out;
        this.options = options;
    }

    ServerInit perform() throws IOException {
        int minor = negotiateVersion();
        authenticate(minor);
        out.write(1); // ClientInit: shared, so other viewers of the desktop stay connected
        out.flush();
        int width = in.u16();
        int height = in.u16();
        PixelFormat format = PixelFormat.read(in);
        long nameLength = in.u32("a desktop name", MAX_NAME_LENGTH);
        byte[] name = new byte[(int) nameLength];
        in.readFully(name, 0, name.length);
        if (width > options.maxWidth() || height > options.maxHeight()) {
            throw RfbException.protocol("VNC server declared a " + width + "x" + height
                    + " framebuffer, larger than the " + options.maxWidth() + "x" + options.maxHeight() + " limit");
        }
        return new ServerInit(minor, width, height, format, new String(name, StandardCharsets.UTF_8));
    }

    private int negotiateVersion() throws IOException {
        byte[] banner = new byte[12];
        in.readFully(banner, 0, 12);
        String text = new String(banner, StandardCharsets.ISO_8859_1);
        if (!text.matches("RFB \\d{3}\\.\\d{3}\n")) {
            throw RfbException.protocol("Not a VNC server: it greeted with \"" + printable(text) + "\"");
        }
        int major = Integer.parseInt(text.substring(4, 7));
        int minor = Integer.parseInt(text.substring(8, 11));
        if (major < 3) {
            throw new RfbException(RfbException.Kind.UNSUPPORTED, "VNC server speaks unsupported RFB " + major + "." + minor);
        }
        // Per RFC 6143 unknown minor versions below 7 mean 3.3; anything newer than 3.8 gets 3.8.
        int chosen = major > 3 || minor >= 8 ? 8 : minor == 7 ? 7 : 3;
        out.write(("RFB 003.00" + chosen + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return chosen;
    }

    private void authenticate(int minor) throws IOException {
        int type;
        if (minor == 3) {
            type = in.s32();
            if (type == SECURITY_INVALID) {
                throw failure(readReason());
            }
            if (type != SECURITY_NONE && type != SECURITY_VNC_AUTH) {
                throw new RfbException(RfbException.Kind.UNSUPPORTED, "VNC server requires unsupported security type " + type);
            }
        } else {
            int count = in.u8();
            if (count == 0) {
                throw failure(readReason());
            }
            List<Integer> offered = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                offered.add(in.u8());
            }
            boolean havePassword = !options.password().isEmpty();
            if (havePassword && offered.contains(SECURITY_VNC_AUTH)) {
                type = SECURITY_VNC_AUTH;
            } else if (offered.contains(SECURITY_NONE)) {
                type = SECURITY_NONE;
            } else if (offered.contains(SECURITY_VNC_AUTH)) {
                type = SECURITY_VNC_AUTH;
            } else {
                throw new RfbException(RfbException.Kind.UNSUPPORTED,
                        "VNC server offers only unsupported security types " + offered);
            }
            out.write(type);
            out.flush();
        }
        if (type == SECURITY_VNC_AUTH) {
            byte[] challenge = new byte[16];
            in.readFully(challenge, 0, 16);
            out.write(VncAuthentication.respond(challenge, options.password()));
            out.flush();
        }
        // 3.8 always sends SecurityResult; 3.3 and 3.7 only after VNC authentication.
        if (minor == 8 || type == SECURITY_VNC_AUTH) {
            int result = in.s32();
            if (result != 0) {
                String reason = minor == 8 ? readReason() : "";
                throw new RfbException(RfbException.Kind.AUTHENTICATION_FAILED,
                        "VNC server rejected the authentication" + (reason.isEmpty() ? "" : ": " + reason));
            }
        }
    }

    private String readReason() throws IOException {
        long length = in.u32("a failure reason", MAX_REASON_LENGTH);
        byte[] reason = new byte[(int) length];
        in.readFully(reason, 0, reason.length);
        return printable(new String(reason, StandardCharsets.ISO_8859_1));
    }

    private static RfbException failure(String reason) {
        return new RfbException(RfbException.Kind.UNSUPPORTED, "VNC server refused the connection: " + reason);
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 200; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }
}
