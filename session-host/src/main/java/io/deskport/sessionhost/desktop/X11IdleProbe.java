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

import static io.deskport.sessionhost.desktop.X11Wire.le;
import static io.deskport.sessionhost.desktop.X11Wire.pad;
import static io.deskport.sessionhost.desktop.X11Wire.readFully;

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
            int root = X11Wire.connectionSetup(out, in, cookie).root();
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
}
