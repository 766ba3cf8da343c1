package io.deskport.sessionhost.desktop;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * How long a display has had no user input, asked of the X server itself through the MIT-SCREEN-SAVER
 * extension (what {@code xprintidle} does), over the display's Unix socket with the session's cookie.
 * A few dozen bytes of the X11 protocol; no X library needed.
 */
public final class X11IdleProbe {

    private static final int QUERY_EXTENSION = 98;
    private static final int SCREEN_SAVER_QUERY_INFO = 1;

    private X11IdleProbe() {
    }

    /**
     * @return milliseconds since the last keyboard or pointer input on the display
     * @throws IOException when the display does not answer or refuses the cookie
     */
    public static long idleMillis(int display, byte[] cookie) throws IOException {
        Path socket = Path.of("/tmp/.X11-unix/X" + display);
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            OutputStream out = Channels.newOutputStream(ch);
            InputStream in = Channels.newInputStream(ch);
            int root = connectionSetup(out, in, cookie);
            int major = screenSaverOpcode(out, in);
            ByteBuffer q = le(8);
            q.put((byte) major).put((byte) SCREEN_SAVER_QUERY_INFO).putShort((short) 2).putInt(root);
            out.write(q.array());
            ByteBuffer reply = ByteBuffer.wrap(readFully(in, 32)).order(ByteOrder.LITTLE_ENDIAN);
            if (reply.get(0) != 1) {
                throw new IOException("X server :" + display + " refused ScreenSaverQueryInfo (error " + reply.get(1) + ")");
            }
            return Integer.toUnsignedLong(reply.getInt(16));
        }
    }

    /** @return the root window of screen 0 */
    private static int connectionSetup(OutputStream out, InputStream in, byte[] cookie) throws IOException {
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
        return body.getInt(32 + pad(vendorLength) + 8 * formats);
    }

    private static int screenSaverOpcode(OutputStream out, InputStream in) throws IOException {
        byte[] name = "MIT-SCREEN-SAVER".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer q = le(8 + pad(name.length));
        q.put((byte) QUERY_EXTENSION).put((byte) 0).putShort((short) ((8 + pad(name.length)) / 4))
                .putShort((short) name.length).putShort((short) 0).put(name);
        out.write(q.array());
        ByteBuffer reply = ByteBuffer.wrap(readFully(in, 32)).order(ByteOrder.LITTLE_ENDIAN);
        if (reply.get(0) != 1 || reply.get(8) == 0) {
            throw new IOException("the X server has no MIT-SCREEN-SAVER extension");
        }
        return Byte.toUnsignedInt(reply.get(9));
    }

    private static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new IOException("the X server closed the connection");
        }
        return b;
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int pad(int n) {
        return (n + 3) & ~3;
    }
}
