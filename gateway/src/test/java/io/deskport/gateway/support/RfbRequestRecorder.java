package io.deskport.gateway.support;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay between the gateway and a real VNC server (security type None) that reads what the gateway
 * sends: every key event and every FramebufferUpdateRequest, in order. The server's side passes through
 * untouched. One connection at a time.
 */
public final class RfbRequestRecorder implements AutoCloseable {

    /** A message of the gateway to the VNC server. */
    public sealed interface Message permits Key, Request {
    }

    /** A KeyEvent. */
    public record Key(int keysym, boolean down) implements Message {
    }

    /** A FramebufferUpdateRequest. */
    public record Request(boolean incremental, int x, int y, int width, int height) implements Message {
    }

    private final ServerSocket server;
    private final List<Message> messages = new CopyOnWriteArrayList<>();
    private volatile String failure;

    public RfbRequestRecorder(int vncPort) throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon(true).name("rfb-recorder").start(() -> {
            try (Socket gateway = server.accept(); Socket vnc = new Socket(InetAddress.getLoopbackAddress(), vncPort)) {
                Thread back = Thread.ofPlatform().daemon(true).name("rfb-recorder-back").start(() -> {
                    try {
                        vnc.getInputStream().transferTo(gateway.getOutputStream());
                    } catch (IOException e) {
                        // either side closed
                    }
                });
                read(new DataInputStream(gateway.getInputStream()), vnc.getOutputStream());
                back.join();
            } catch (EOFException e) {
                // the gateway hung up
            } catch (IOException | InterruptedException e) {
                failure = e.toString();
            }
        });
    }

    public int port() {
        return server.getLocalPort();
    }

    /** @return the key events and update requests so far, in the order the gateway sent them */
    public List<Message> messages() {
        return List.copyOf(messages);
    }

    /** @return why reading the gateway's messages stopped, or null */
    public String failure() {
        return failure;
    }

    private void read(DataInputStream in, OutputStream out) throws IOException {
        // ProtocolVersion, the chosen security type (None) and ClientInit, each passed on as it comes (the
        // server answers each before the gateway sends the next)
        relay(in, out, 12);
        relay(in, out, 1);
        relay(in, out, 1);
        while (true) {
            int type = in.readUnsignedByte();
            out.write(type);
            switch (type) {
                case 0 -> relay(in, out, 19); // SetPixelFormat
                case 2 -> { // SetEncodings
                    byte[] head = relay(in, out, 3);
                    relay(in, out, 4 * (((head[1] & 0xff) << 8) | (head[2] & 0xff)));
                }
                case 3 -> {
                    byte[] b = relay(in, out, 9);
                    messages.add(new Request(b[0] != 0, u16(b, 1), u16(b, 3), u16(b, 5), u16(b, 7)));
                }
                case 4 -> {
                    byte[] b = relay(in, out, 7);
                    messages.add(new Key(((b[3] & 0xff) << 24) | ((b[4] & 0xff) << 16) | ((b[5] & 0xff) << 8) | (b[6] & 0xff),
                            b[0] != 0));
                }
                case 5 -> relay(in, out, 5); // PointerEvent
                case 6 -> { // ClientCutText
                    byte[] b = relay(in, out, 7);
                    relay(in, out, ((b[3] & 0xff) << 24) | ((b[4] & 0xff) << 16) | ((b[5] & 0xff) << 8) | (b[6] & 0xff));
                }
                case 251 -> { // SetDesktopSize
                    byte[] b = relay(in, out, 7);
                    relay(in, out, 16 * (b[5] & 0xff));
                }
                default -> {
                    failure = "unknown client message type " + type;
                    in.transferTo(out);
                    return;
                }
            }
            out.flush();
        }
    }

    private static byte[] relay(DataInputStream in, OutputStream out, int n) throws IOException {
        byte[] b = new byte[n];
        in.readFully(b);
        out.write(b);
        return b;
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
