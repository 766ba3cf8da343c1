package io.deskport.broker.metering;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The HTTP/1.1 client webhook deliveries go through: a POST on a blocking socket, the answer's status read, its
 * body read and dropped, the connection kept for the endpoint's next delivery when the answer allows it. It does
 * what a delivery needs and nothing more, for a fraction of the CPU of {@code java.net.http.HttpClient}, whose
 * every request passes between its selector thread, its executor and completion stages (at the rate of a logon
 * storm's events, that was most of what delivering cost the broker: bench/metering).
 *
 * <p>Bounded everywhere: the connect by its timeout, the whole request (TLS handshake, sending, the answer and its
 * body) by one deadline that each read re-arms as the socket timeout, so an endpoint trickling bytes cannot hold a
 * delivery longer; a status line or header line by {@value #MAX_LINE} bytes, the headers by {@value #MAX_HEADERS}
 * lines; a body longer than {@value #MAX_DRAIN} bytes is not read (the connection is closed instead). Anything that
 * is not a well-formed HTTP/1.x answer fails the delivery with what was wrong, and the connection is closed.
 * Redirects are answers like any other (never followed). TLS verifies the endpoint's certificate and host name.
 *
 * <p>A connection taken from the idle ones that fails before any byte of an answer arrived (the endpoint closed
 * it while idle) is replaced by a new one and the request sent once more: a delivery is at least once, and the
 * receiver de-duplicates by {@code webhook-id}.
 */
final class WebhookHttp implements AutoCloseable {

    static final int MAX_LINE = 8192;
    static final int MAX_HEADERS = 100;
    static final int MAX_DRAIN = 1 << 20;
    /** An idle connection older than this is closed instead of used (endpoints drop idle ones after 5–60 s). */
    static final Duration IDLE_KEEP = Duration.ofSeconds(20);
    /** Idle connections kept per endpoint at most. */
    static final int IDLE_PER_ENDPOINT = 64;

    /** The connect did not complete within the connect timeout. */
    static final class ConnectTimeout extends IOException {
        ConnectTimeout(Throwable cause) {
            super("connect timed out", cause);
        }
    }

    /** The answer (or the TLS handshake, or the sending) did not complete before the request's deadline. */
    static final class NoAnswer extends IOException {
        NoAnswer() {
            super("no answer in time");
        }
    }

    /** The endpoint answered something that is not HTTP/1.x. */
    static final class Malformed extends IOException {
        Malformed(String what) {
            super(what);
        }
    }

    private final SSLSocketFactory tls;
    private final ConcurrentHashMap<String, Deque<Connection>> idle = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep = new AtomicLong(System.nanoTime());
    /** How long an idle connection is kept, nanoseconds. */
    private final long idleKeep;
    private volatile boolean closed;

    WebhookHttp(SSLSocketFactory tls) {
        this(tls, IDLE_KEEP);
    }

    /** @param idleKeep how long an idle connection is kept (tests shorten it) */
    WebhookHttp(SSLSocketFactory tls, Duration idleKeep) {
        this.tls = tls;
        this.idleKeep = idleKeep.toNanos();
    }

    /**
     * POSTs {@code body} to {@code url} with these headers (and Host, Content-Length), waiting at most until
     * {@code deadline} ({@link System#nanoTime()}) for the whole of it.
     *
     * @param headers name, value, name, value, ... (no CR or LF in either)
     * @return the answer's status code
     * @throws IOException why there is no status: {@link ConnectTimeout}, {@link java.net.ConnectException},
     *                     {@link NoAnswer}, {@link Malformed}, or another I/O failure
     */
    int post(URI url, List<String> headers, byte[] body, Duration connectTimeout, long deadline) throws IOException {
        Target target = Target.of(url);
        byte[] head = head(target, headers, body.length);
        Connection reused = take(target.key);
        if (reused != null) {
            try {
                return exchange(reused, target, head, body, deadline);
            } catch (Stale e) {
                // closed by the endpoint while idle: a new connection, the same request
            }
        }
        return exchange(open(target, connectTimeout, deadline), target, head, body, deadline);
    }

    /**
     * A connection taken from the idle ones failed before any byte of an answer: try a new one (never thrown for
     * a new one).
     */
    private static final class Stale extends IOException {
        Stale(Throwable cause) {
            super(cause);
        }
    }

    private int exchange(Connection c, Target target, byte[] head, byte[] body, long deadline) throws IOException {
        boolean keep = false;
        try {
            try {
                c.arm(deadline);
                c.out.write(head);
                c.out.write(body);
                c.out.flush();
            } catch (SocketTimeoutException e) {
                throw new NoAnswer();
            } catch (IOException e) {
                throw c.reused ? new Stale(e) : e;
            }
            Answer a;
            try {
                a = c.readAnswer(deadline);
            } catch (EOFException | SocketException e) {
                // a kept connection the endpoint closed (or reset) before answering anything
                throw c.reused && c.answerBytes == 0 ? new Stale(e) : e;
            }
            keep = a.reusable && !closed;
            return a.status;
        } finally {
            if (keep) {
                give(target.key, c);
            } else {
                c.close();
            }
        }
    }

    private Connection open(Target target, Duration connectTimeout, long deadline) throws IOException {
        Socket raw = new Socket();
        try {
            raw.setTcpNoDelay(true);
            try {
                raw.connect(new InetSocketAddress(target.host, target.port), (int) Math.max(1, connectTimeout.toMillis()));
            } catch (SocketTimeoutException e) {
                throw new ConnectTimeout(e);
            }
            Socket s = raw;
            if (target.tls) {
                SSLSocket ssl = (SSLSocket) tls.createSocket(raw, target.host, target.port, true);
                SSLParameters p = ssl.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(p);
                int ms = remainingMillis(deadline);
                if (ms <= 0) {
                    throw new NoAnswer();
                }
                ssl.setSoTimeout(ms);
                try {
                    ssl.startHandshake();
                } catch (SocketTimeoutException e) {
                    throw new NoAnswer();
                }
                s = ssl;
            }
            return new Connection(s);
        } catch (IOException | RuntimeException e) {
            try {
                raw.close();
            } catch (IOException ignored) {
                // closing what failed to open
            }
            throw e;
        }
    }

    private Connection take(String key) {
        Deque<Connection> q = idle.get(key);
        if (q == null) {
            return null;
        }
        long now = System.nanoTime();
        for (Connection c = q.pollFirst(); c != null; c = q.pollFirst()) {
            if (now - c.idleSince < idleKeep && !c.socket.isClosed()) {
                c.reused = true;
                c.answerBytes = 0;
                return c;
            }
            c.close();
        }
        return null;
    }

    private void give(String key, Connection c) {
        c.idleSince = System.nanoTime();
        sweep(c.idleSince);
        Deque<Connection> q = idle.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>());
        if (q.size() >= IDLE_PER_ENDPOINT) {
            c.close();
            return;
        }
        q.offerFirst(c);
        if (closed) {
            drain(q);
        }
    }

    /**
     * Closes the connections idle too long, of every endpoint, at most once per idle keep: an endpoint no
     * delivery goes to any more (a subscription removed or moved) keeps no sockets open.
     */
    private void sweep(long now) {
        long last = lastSweep.get();
        if (now - last < idleKeep || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        // (an endpoint's empty queue stays: removing it could strand a connection given back to it meanwhile)
        idle.values().forEach(q -> q.removeIf(c -> {
            if (now - c.idleSince >= idleKeep) {
                c.close();
                return true;
            }
            return false;
        }));
    }

    @Override
    public void close() {
        closed = true;
        idle.values().forEach(WebhookHttp::drain);
    }

    private static void drain(Deque<Connection> q) {
        for (Connection c = q.pollFirst(); c != null; c = q.pollFirst()) {
            c.close();
        }
    }

    static int remainingMillis(long deadline) {
        long ns = deadline - System.nanoTime();
        return ns <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.max(1, ns / 1_000_000));
    }

    /** Where a URL's requests go. */
    private record Target(String key, boolean tls, String host, int port, String hostHeader, String path) {

        static Target of(URI url) {
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            boolean tls = scheme.equals("https");
            if (!tls && !scheme.equals("http")) {
                throw new IllegalArgumentException("not an http(s) URL: " + url);
            }
            String host = url.getHost();
            if (host == null || host.isEmpty()) {
                throw new IllegalArgumentException("no host in " + url);
            }
            // an IPv6 literal is bracketed in the URL and the Host header, not in the socket address
            String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            int port = url.getPort() == -1 ? (tls ? 443 : 80) : url.getPort();
            String hostHeader = url.getPort() == -1 ? host : host + ":" + port;
            String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                    + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
            return new Target(scheme + "://" + hostHeader, tls, bare, port, hostHeader, path);
        }
    }

    private static byte[] head(Target t, List<String> headers, int length) {
        if (headers.size() % 2 != 0) {
            throw new IllegalArgumentException("headers come in name, value pairs");
        }
        StringBuilder b = new StringBuilder(256 + headers.size() * 24);
        b.append("POST ").append(safe(t.path)).append(" HTTP/1.1\r\nHost: ").append(safe(t.hostHeader)).append("\r\n");
        for (int i = 0; i < headers.size(); i += 2) {
            b.append(safe(headers.get(i))).append(": ").append(safe(headers.get(i + 1))).append("\r\n");
        }
        b.append("Content-Length: ").append(length).append("\r\n\r\n");
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String safe(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c > 0xff) {
                throw new IllegalArgumentException("not allowed in an HTTP request head: " + s);
            }
        }
        return s;
    }

    /** The status of an answer, and whether its connection can carry the next request. */
    private record Answer(int status, boolean reusable) {
    }

    /** One connection to an endpoint, with its own read buffer. */
    private static final class Connection {

        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final byte[] buf = new byte[8192];
        int pos;
        int lim;
        long idleSince;
        boolean reused;
        /** bytes of the current answer read so far */
        long answerBytes;
        private long deadline;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = new java.io.BufferedOutputStream(socket.getOutputStream(), 8192);
        }

        void arm(long deadline) throws IOException {
            this.deadline = deadline;
            int ms = remainingMillis(deadline);
            if (ms <= 0) {
                throw new NoAnswer();
            }
            socket.setSoTimeout(ms);
        }

        /** Reads more into the buffer; false at the end of the stream. */
        private boolean fill() throws IOException {
            int ms = remainingMillis(deadline);
            if (ms <= 0) {
                throw new NoAnswer();
            }
            socket.setSoTimeout(ms);
            int n;
            try {
                n = in.read(buf, 0, buf.length);
            } catch (SocketTimeoutException e) {
                throw new NoAnswer();
            }
            if (n < 0) {
                return false;
            }
            pos = 0;
            lim = n;
            answerBytes += n;
            return true;
        }

        /** A line without its CR LF (a bare LF ends one too), at most MAX_LINE bytes. */
        private String line() throws IOException {
            StringBuilder b = new StringBuilder(64);
            while (true) {
                if (pos == lim && !fill()) {
                    throw new EOFException(b.isEmpty() ? "the endpoint closed the connection without an answer"
                            : "the answer ended inside a line");
                }
                byte c = buf[pos++];
                if (c == '\n') {
                    int len = b.length();
                    if (len > 0 && b.charAt(len - 1) == '\r') {
                        b.setLength(len - 1);
                    }
                    return b.toString();
                }
                if (b.length() >= MAX_LINE) {
                    throw new Malformed("a line of the answer is longer than " + MAX_LINE + " bytes");
                }
                b.append((char) (c & 0xff));
            }
        }

        /** Skips n bytes of body; false when the stream ended first. */
        private boolean skip(long n) throws IOException {
            while (n > 0) {
                if (pos == lim && !fill()) {
                    return false;
                }
                int k = (int) Math.min(n, lim - pos);
                pos += k;
                n -= k;
            }
            return true;
        }

        Answer readAnswer(long deadline) throws IOException {
            this.deadline = deadline;
            while (true) {
                String status = line();
                if (!status.startsWith("HTTP/1.") || status.length() < 12 || status.charAt(8) != ' '
                        || (status.length() > 12 && status.charAt(12) != ' ')) {
                    throw new Malformed("not an HTTP/1.x status line: " + printable(status));
                }
                int code = digits(status.substring(9, 12));
                if (code < 100 || code > 599) {
                    throw new Malformed("not an HTTP/1.x status line: " + printable(status));
                }
                boolean http11 = status.charAt(7) == '1';
                long length = -1;
                boolean chunked = false;
                boolean close = !http11;
                int headers = 0;
                for (String h = line(); !h.isEmpty(); h = line()) {
                    if (++headers > MAX_HEADERS) {
                        throw new Malformed("the answer has more than " + MAX_HEADERS + " header lines");
                    }
                    int colon = h.indexOf(':');
                    if (colon <= 0) {
                        throw new Malformed("not a header line: " + printable(h));
                    }
                    String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                    String value = h.substring(colon + 1).trim();
                    switch (name) {
                        case "content-length" -> {
                            long l = parseLength(value);
                            if (length >= 0 && l != length) {
                                throw new Malformed("two different Content-Length headers");
                            }
                            length = l;
                        }
                        case "transfer-encoding" -> {
                            String last = value.substring(value.lastIndexOf(',') + 1).trim().toLowerCase(Locale.ROOT);
                            chunked = last.equals("chunked");
                            if (!chunked) {
                                close = true; // a body that ends with the connection
                            }
                        }
                        case "connection" -> {
                            for (String token : value.toLowerCase(Locale.ROOT).split(",")) {
                                if (token.trim().equals("close")) {
                                    close = true;
                                }
                            }
                        }
                        default -> {
                            // not needed to read the answer
                        }
                    }
                }
                if (code < 200) {
                    continue; // an interim answer (100 Continue, 103 Early Hints): the real one follows
                }
                if (code == 204 || code == 304) {
                    return new Answer(code, !close);
                }
                if (chunked) {
                    return new Answer(code, drainChunks() && !close);
                }
                if (length >= 0) {
                    if (length > MAX_DRAIN) {
                        return new Answer(code, false);
                    }
                    if (!skip(length)) {
                        throw new EOFException("the answer ended before its Content-Length");
                    }
                    return new Answer(code, !close);
                }
                // no framing: the body runs to the connection's end, which is not waited for
                return new Answer(code, false);
            }
        }

        /** Reads a chunked body to its end; false when it is too long to read (the connection is not kept). */
        private boolean drainChunks() throws IOException {
            long total = 0;
            while (true) {
                String size = line();
                int ext = size.indexOf(';');
                String hex = (ext >= 0 ? size.substring(0, ext) : size).trim();
                if (hex.isEmpty() || hex.length() > 15) {
                    throw new Malformed("not a chunk size: " + printable(size));
                }
                long n;
                try {
                    n = Long.parseLong(hex, 16);
                } catch (NumberFormatException e) {
                    throw new Malformed("not a chunk size: " + printable(size));
                }
                if (n < 0) {
                    throw new Malformed("not a chunk size: " + printable(size));
                }
                if (n == 0) {
                    int trailers = 0;
                    for (String t = line(); !t.isEmpty(); t = line()) {
                        if (++trailers > MAX_HEADERS) {
                            throw new Malformed("the answer has more than " + MAX_HEADERS + " trailer lines");
                        }
                    }
                    return true;
                }
                total += n;
                if (total > MAX_DRAIN) {
                    return false;
                }
                if (!skip(n)) {
                    throw new EOFException("the answer ended inside a chunk");
                }
                if (!line().isEmpty()) {
                    throw new Malformed("a chunk does not end where its size says");
                }
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing left to do with it
            }
        }
    }

    private static int digits(String s) throws Malformed {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                throw new Malformed("not a status code: " + printable(s));
            }
        }
        return Integer.parseInt(s);
    }

    private static long parseLength(String value) throws Malformed {
        if (value.isEmpty() || value.length() > 18) {
            throw new Malformed("not a Content-Length: " + printable(value));
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                throw new Malformed("not a Content-Length: " + printable(value));
            }
        }
        return Long.parseLong(value);
    }

    /** At most 80 characters of what the endpoint sent, control characters shown as '?'. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 80) + 3);
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c >= 0x7f ? '?' : c);
        }
        return s.length() > 80 ? b.append("...").toString() : b.toString();
    }
}
