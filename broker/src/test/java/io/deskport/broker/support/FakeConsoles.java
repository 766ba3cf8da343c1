package io.deskport.broker.support;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Consoles that fail in the ways real desktops do, on real loopback sockets: a port where nothing listens,
 * a socket that accepts and never speaks, a fake RFB 3.8 server that rejects every password, and a plain
 * TCP relay to a real console (switched on later, to show a desktop coming back).
 */
public final class FakeConsoles {

    private FakeConsoles() {
    }

    /** @return a loopback port where nothing listens (it was free a moment ago and is closed again) */
    public static int portWhereNothingListens() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A console on a loopback port; {@link #connections()} counts the clients it accepted. */
    public abstract static class Console implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> clients = new CopyOnWriteArrayList<>();
        private final AtomicInteger connections = new AtomicInteger();

        Console(int port) throws IOException {
            server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(this::accept);
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    clients.add(s);
                    connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> {
                        try {
                            serve(s);
                        } catch (IOException e) {
                            // the client went away
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        }

        abstract void serve(Socket client) throws IOException;

        public int port() {
            return server.getLocalPort();
        }

        public int connections() {
            return connections.get();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : clients) {
                s.close();
            }
        }
    }

    /** Accepts connections and never sends a byte (a hung VNC server, or something that is not one). */
    public static Console silent() throws IOException {
        return new Console(0) {
            @Override
            void serve(Socket client) {
                // say nothing; the socket is closed with the console
            }
        };
    }

    /** A fake RFB 3.8 server offering VNC authentication and rejecting every response. */
    public static Console rejectingEveryPassword() throws IOException {
        return new Console(0) {
            @Override
            void serve(Socket client) throws IOException {
                DataOutputStream out = new DataOutputStream(client.getOutputStream());
                DataInputStream in = new DataInputStream(client.getInputStream());
                out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                in.readFully(new byte[12]);
                out.write(new byte[] {1, 2}); // one security type: VNC authentication
                out.flush();
                in.readUnsignedByte();
                out.write(new byte[16]); // the challenge
                out.flush();
                in.readFully(new byte[16]);
                byte[] reason = "Authentication failed".getBytes(StandardCharsets.US_ASCII);
                out.writeInt(1);
                out.writeInt(reason.length);
                out.write(reason);
                out.flush();
                client.close();
            }
        };
    }

    /** Relays every connection on {@code port} to {@code targetPort} on loopback. */
    public static Console relay(int port, int targetPort) throws IOException {
        return new Console(port) {
            @Override
            void serve(Socket client) throws IOException {
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                Thread.ofVirtual().start(() -> pump(target, client));
                pump(client, target);
            }
        };
    }

    private static void pump(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // one side closed
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // closed already
            }
        }
    }
}
