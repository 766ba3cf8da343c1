package io.deskport.sessionhost.desktop;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The few pieces of the X11 wire protocol the agent speaks itself (little-endian, over a display's Unix socket):
 * the connection set-up with a session's MIT-MAGIC-COOKIE-1, exact reads, padding. Used by {@link X11IdleProbe}
 * and {@link ApplicationWindows}.
 */
final class X11Wire {

    /** Screen 0 as the connection set-up describes it. */
    record Screen(int root, int width, int height) {
    }

    private X11Wire() {
    }

    /**
     * Sends the connection set-up with the cookie and reads the server's answer.
     *
     * @throws IOException when the server refuses the connection (its reason in the message) or closes it
     */
    static Screen connectionSetup(OutputStream out, InputStream in, byte[] cookie) throws IOException {
        byte[] name = XAuthority.PROTOCOL.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer setup = le(12 + pad(name.length) + pad(cookie.length));
        setup.put((byte) 'l').put((byte) 0).putShort((short) 11).putShort((short) 0)
                .putShort((short) name.length).putShort((short) cookie.length).putShort((short) 0);
        setup.put(name).position(12 + pad(name.length));
        setup.put(cookie);
        out.write(setup.array());
        ByteBuffer head = ByteBuffer.wrap(readFully(in, 8)).order(ByteOrder.LITTLE_ENDIAN);
        int status = head.get(0);
        int extra = Short.toUnsignedInt(head.getShort(6)) * 4;
        ByteBuffer body = ByteBuffer.wrap(readFully(in, extra)).order(ByteOrder.LITTLE_ENDIAN);
        if (status != 1) {
            int reasonLength = Byte.toUnsignedInt(head.get(1));
            String reason = new String(body.array(), 0, Math.min(reasonLength, extra), StandardCharsets.US_ASCII);
            throw new IOException("X server refused the connection: " + reason.strip());
        }
        int vendorLength = Short.toUnsignedInt(body.getShort(16));
        int formats = Byte.toUnsignedInt(body.get(21));
        int screen = 32 + pad(vendorLength) + 8 * formats;
        return new Screen(body.getInt(screen), Short.toUnsignedInt(body.getShort(screen + 20)),
                Short.toUnsignedInt(body.getShort(screen + 22)));
    }

    static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new IOException("the X server closed the connection");
        }
        return b;
    }

    static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    static int pad(int n) {
        return (n + 3) & ~3;
    }
}
