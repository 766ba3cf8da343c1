package io.deskport.bench.streaming;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A relay between the gateway and the desktop's VNC server that writes what the server sends to a file,
 * for replaying the exact same RFB stream through the gateway's decoder and encoders offline
 * ({@code RfbReplay} in the gateway's tests). Only with {@code --capture-rfb FILE}. File format: records of
 * {@code [long nanoTime][int length][bytes]}.
 */
final class RfbCapture implements AutoCloseable {

    private final ServerSocket server;
    private final int vncPort;
    private final Path file;

    RfbCapture(int vncPort, Path file) throws IOException {
        this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        this.vncPort = vncPort;
        this.file = file;
        Thread.ofPlatform().daemon(true).name("rfb-capture").start(this::serve);
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve() {
        try (Socket client = server.accept();
             Socket upstream = new Socket(InetAddress.getLoopbackAddress(), vncPort);
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20))) {
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            Thread.ofPlatform().daemon(true).start(() -> pump(client, upstream));
            InputStream in = upstream.getInputStream();
            OutputStream to = client.getOutputStream();
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                to.write(buf, 0, n);
                out.writeLong(System.nanoTime());
                out.writeInt(n);
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // the session ended
        }
    }

    private static void pump(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // the session ended
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
