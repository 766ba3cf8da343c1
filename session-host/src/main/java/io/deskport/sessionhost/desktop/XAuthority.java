package io.deskport.sessionhost.desktop;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * A session's X authorisation: a random MIT-MAGIC-COOKIE-1 that Xvnc requires of every X client, so
 * other local users cannot open windows on (or read input from) someone else's display.
 */
public final class XAuthority {

    public static final String PROTOCOL = "MIT-MAGIC-COOKIE-1";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int FAMILY_WILD = 0xFFFF;

    private XAuthority() {
    }

    public static byte[] newCookie() {
        byte[] cookie = new byte[16];
        RANDOM.nextBytes(cookie);
        return cookie;
    }

    /** @return an Xauthority file (the format xauth writes) with the cookie for the display, any address */
    public static byte[] file(int display, byte[] cookie) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        short16(out, FAMILY_WILD);
        counted(out, new byte[0]);
        counted(out, Integer.toString(display).getBytes(StandardCharsets.US_ASCII));
        counted(out, PROTOCOL.getBytes(StandardCharsets.US_ASCII));
        counted(out, cookie);
        return out.toByteArray();
    }

    private static void counted(ByteArrayOutputStream out, byte[] data) {
        short16(out, data.length);
        out.writeBytes(data);
    }

    private static void short16(ByteArrayOutputStream out, int v) {
        out.write((v >> 8) & 0xFF);
        out.write(v & 0xFF);
    }
}
