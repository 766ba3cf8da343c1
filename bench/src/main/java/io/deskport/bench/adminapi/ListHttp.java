package io.deskport.bench.adminapi;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * GETs over one keep-alive HTTP/1.1 connection, as small as a load client can be (the machine's two cores are
 * shared with the broker and PostgreSQL): the time of a request is from writing it to the last byte of its body.
 * Answers the status, the headers (names lower case) and the body.
 */
public final class ListHttp implements AutoCloseable {

    private final String host;
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    public ListHttp(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** A response: status, headers (lower-case names), body, and the nanoseconds from request to last byte. */
    public record Response(int status, Map<String, String> headers, byte[] body, long nanos) {

        public String header(String name) {
            return headers.get(name.toLowerCase());
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The target of {@code Link: <…>; rel="next"}, or null. */
        public String next() {
            String link = header("link");
            if (link == null) {
                return null;
            }
            for (String part : link.split(",")) {
                if (part.contains("rel=\"next\"")) {
                    int a = part.indexOf('<');
                    int b = part.indexOf('>', a + 1);
                    return a < 0 || b < 0 ? null : part.substring(a + 1, b);
                }
            }
            return null;
        }
    }

    public Response get(String pathAndQuery, String bearer) throws IOException {
        try {
            return exchange(pathAndQuery, bearer);
        } catch (IOException first) {
            // a keep-alive connection the server closed meanwhile: once more on a new one
            close();
            return exchange(pathAndQuery, bearer);
        }
    }

    private Response exchange(String pathAndQuery, String bearer) throws IOException {
        if (socket == null) {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 10_000);
            socket.setSoTimeout(120_000);
            in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            out = socket.getOutputStream();
        }
        byte[] request = ("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nAuthorization: Bearer "
                + bearer + "\r\nAccept: application/json\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        long start = System.nanoTime();
        out.write(request);
        out.flush();
        String statusLine = line();
        int status = Integer.parseInt(statusLine.substring(9, 12));
        Map<String, String> headers = new HashMap<>();
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            if (colon > 0) {
                headers.merge(h.substring(0, colon).strip().toLowerCase(), h.substring(colon + 1).strip(),
                        (a, b) -> a + ", " + b);
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String te = headers.get("transfer-encoding");
        String length = headers.get("content-length");
        if (te != null && te.toLowerCase().contains("chunked")) {
            for (int size = chunkSize(); size > 0; size = chunkSize()) {
                body.write(in.readNBytes(size));
                line();
            }
            for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
                // trailers: none expected
            }
        } else if (length != null) {
            body.write(in.readNBytes(Integer.parseInt(length)));
        }
        long nanos = System.nanoTime() - start;
        String connection = headers.get("connection");
        if (connection != null && connection.toLowerCase().contains("close")) {
            close();
        }
        return new Response(status, headers, body.toByteArray(), nanos);
    }

    private int chunkSize() throws IOException {
        String s = line().strip();
        int semi = s.indexOf(';');
        return Integer.parseInt(semi < 0 ? s : s.substring(0, semi), 16);
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder(64);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            sb.append((char) b);
        }
        throw new IOException("connection closed by the server");
    }

    @Override
    public void close() {
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        socket = null;
    }
}
