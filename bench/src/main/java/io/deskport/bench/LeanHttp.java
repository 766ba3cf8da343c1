package io.deskport.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A deliberately small HTTP/1.1 client for load generation (keep-alive connections from a pool, one
 * request per connection at a time, chunked or sized bodies). A load generator on the same 2 cores as
 * the system under test must cost as little CPU as possible, like wrk; the JDK's HttpClient costs
 * several times more per request.
 */
final class LeanHttp {

    private final String host;
    private final int port;
    private final BlockingQueue<Connection> idle;

    LeanHttp(String baseUrl, int maxConnections) {
        URI uri = URI.create(baseUrl);
        this.host = uri.getHost();
        this.port = uri.getPort();
        this.idle = new ArrayBlockingQueue<>(maxConnections);
        for (int i = 0; i < maxConnections; i++) {
            idle.add(new Connection());
        }
    }

    /** Status, body and Retry-After header (or null) of a response. */
    record Response(int status, String body, String retryAfter) {

        Response(int status, String body) {
            this(status, body, null);
        }

        /** @return the value of the first {@code "name":"value"} member of the body, or null */
        String firstString(String name) {
            String key = "\"" + name + "\":\"";
            int i = body.indexOf(key);
            if (i < 0) {
                return null;
            }
            int start = i + key.length();
            return body.substring(start, body.indexOf('"', start));
        }
    }

    /**
     * Closes the idle connections (the next requests open new ones): a phase that starts after a long pause must
     * not send its first requests on connections the server has closed meanwhile. Call it with no request running.
     */
    void closeIdle() {
        for (Connection c : idle) {
            c.close();
        }
    }

    Response post(String path, String bearer) {
        Connection c;
        try {
            c = idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(-1, "");
        }
        try {
            return c.exchange("POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nAuthorization: Bearer "
                    + bearer + "\r\nAccept: application/json\r\nContent-Length: 0\r\n\r\n");
        } catch (IOException e) {
            c.close();
            return new Response(-1, e.toString());
        } finally {
            idle.add(c);
        }
    }

    private final class Connection {

        private Socket socket;
        private InputStream in;
        private OutputStream out;

        Response exchange(String request) throws IOException {
            if (socket == null || socket.isClosed()) {
                socket = new Socket();
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(host, port), 10_000);
                socket.setSoTimeout(60_000);
                in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
                out = socket.getOutputStream();
            }
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String statusLine = line();
            int status = Integer.parseInt(statusLine.substring(9, 12));
            int length = -1;
            boolean chunked = false;
            boolean close = false;
            String retryAfter = null;
            for (String h = line(); !h.isEmpty(); h = line()) {
                String lower = h.toLowerCase();
                if (lower.startsWith("retry-after:")) {
                    retryAfter = h.substring(12).strip();
                } else if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(h.substring(15).strip());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (chunked) {
                for (int size = Integer.parseInt(line().strip(), 16); size > 0; size = Integer.parseInt(line().strip(), 16)) {
                    body.write(in.readNBytes(size));
                    line();
                }
                line();
            } else if (length > 0) {
                body.write(in.readNBytes(length));
            }
            if (close) {
                close();
            }
            return new Response(status, body.toString(StandardCharsets.UTF_8), retryAfter);
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

        void close() {
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
}
