package io.deskport.gateway.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A scripted VNC server for robustness tests: speaks a correct RFB 3.8 handshake (unless told not to),
 * then sends whatever bytes a test wants, and records whether the client closed the connection.
 */
public final class FakeVncServer implements AutoCloseable {

    /** What the server does with one accepted connection. */
    public interface Script {
        void run(InputStream in, OutputStream out) throws IOException;
    }

    private final ServerSocket server;
    private final CountDownLatch clientClosed = new CountDownLatch(1);
    private final Thread thread;

    public FakeVncServer(Script script) throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        thread = Thread.ofVirtual().start(() -> {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                script.run(in, s.getOutputStream());
                s.getOutputStream().flush();
                // Drain until the gateway hangs up.
                byte[] sink = new byte[4096];
                while (in.read(sink) >= 0) {
                    // discard client messages
                }
            } catch (IOException e) {
                // connection reset by the gateway counts as closed
            } finally {
                clientClosed.countDown();
            }
        });
    }

    public int port() {
        return server.getLocalPort();
    }

    /** @return true if the gateway closed the connection within the time */
    public boolean awaitClientClosed(long seconds) throws InterruptedException {
        return clientClosed.await(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        server.close();
        thread.interrupt();
    }

    /** Performs a valid RFB 3.8 handshake with security None and a ServerInit of the given size. */
    public static void handshake(InputStream in, OutputStream out, int width, int height) throws IOException {
        DataInputStream din = new DataInputStream(in);
        out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        din.readFully(new byte[12]);
        out.write(new byte[] {1, 1});
        out.flush();
        din.readFully(new byte[1]); // chosen security type
        out.write(new byte[] {0, 0, 0, 0}); // SecurityResult OK
        out.flush();
        din.readFully(new byte[1]); // ClientInit
        out.write(serverInit(width, height, "fake"));
        out.flush();
    }

    public static byte[] serverInit(int width, int height, String name) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(width >> 8);
        b.write(width);
        b.write(height >> 8);
        b.write(height);
        b.writeBytes(new byte[] {32, 24, 0, 1, 0, (byte) 255, 0, (byte) 255, 0, (byte) 255, 16, 8, 0, 0, 0, 0});
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        b.writeBytes(u32(n.length));
        b.writeBytes(n);
        return b.toByteArray();
    }

    public static byte[] u32(long v) {
        return new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v};
    }

    public static byte[] u16(int v) {
        return new byte[] {(byte) (v >> 8), (byte) v};
    }

    /** A FramebufferUpdate header with one rectangle. */
    public static byte[] updateHeader(int x, int y, int w, int h, int encoding) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0, 0, 0, 1});
        b.writeBytes(u16(x));
        b.writeBytes(u16(y));
        b.writeBytes(u16(w));
        b.writeBytes(u16(h));
        b.writeBytes(u32(encoding));
        return b.toByteArray();
    }
}
