package io.deskport.broker.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ServerSocketFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook HTTP client against endpoints written here on raw sockets (so that they can answer what no
 * well-behaved server would): the request it sends, keep-alive and when a connection is not kept, a connection
 * the endpoint dropped while idle, interim answers, chunked bodies, garbage, endpoints that answer too slowly or
 * trickle, and TLS with its certificate and host name checked.
 */
class WebhookHttpTest {

    private static final Duration CONNECT = Duration.ofSeconds(2);
    private final List<Peer> peers = new ArrayList<>();
    private final WebhookHttp http = new WebhookHttp(null);

    @AfterEach
    void close() {
        http.close();
        peers.forEach(Peer::close);
    }

    @Test
    void sendsOnePostWithItsHeadersAndBodyAndKeepsTheConnectionForTheNext() throws Exception {
        List<Request> seen = new CopyOnWriteArrayList<>();
        Peer peer = peer((in, out, n) -> {
            while (true) {
                Request r = Request.read(in);
                if (r == null) {
                    return;
                }
                seen.add(r);
                out.write("HTTP/1.1 204 No Content\r\nServer: t\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        });
        URI url = URI.create("http://127.0.0.1:" + peer.port() + "/hooks/a%20b?x=1");
        byte[] body = "{\"id\":\"7\",\"é\":1}".getBytes(StandardCharsets.UTF_8);
        assertThat(http.post(url, List.of("webhook-id", "7", "Content-Type", "application/cloudevents+json"), body,
                CONNECT, deadline(2000))).isEqualTo(204);
        assertThat(http.post(url, List.of("webhook-id", "8"), body, CONNECT, deadline(2000))).isEqualTo(204);

        assertThat(peer.connections()).as("the second delivery went over the first one's connection").isEqualTo(1);
        assertThat(seen).hasSize(2);
        Request first = seen.get(0);
        assertThat(first.line()).isEqualTo("POST /hooks/a%20b?x=1 HTTP/1.1");
        assertThat(first.headers()).containsEntry("host", "127.0.0.1:" + peer.port()).containsEntry("webhook-id", "7")
                .containsEntry("content-type", "application/cloudevents+json")
                .containsEntry("content-length", Integer.toString(body.length));
        assertThat(first.body()).isEqualTo(body);
        assertThat(seen.get(1).headers()).containsEntry("webhook-id", "8");
    }

    @Test
    void readsLengthAndChunkedBodiesAndInterimAnswersAndKeepsTheConnection() throws Exception {
        Peer peer = peer((in, out, n) -> {
            String[] answers = {
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5;ext=1\r\nhello\r\n3\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n",
                "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 2\r\n\r\nno",
            };
            for (String a : answers) {
                if (Request.read(in) == null) {
                    return;
                }
                out.write(a.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        });
        URI url = URI.create("http://127.0.0.1:" + peer.port() + "/");
        assertThat(http.post(url, List.of(), new byte[0], CONNECT, deadline(2000))).isEqualTo(200);
        assertThat(http.post(url, List.of(), new byte[0], CONNECT, deadline(2000))).isEqualTo(202);
        assertThat(http.post(url, List.of(), new byte[0], CONNECT, deadline(2000))).isEqualTo(500);
        assertThat(peer.connections()).isEqualTo(1);
    }

    @Test
    void aConnectionTheAnswerClosesOrCannotFrameIsNotKept() throws Exception {
        Peer peer = peer((in, out, n) -> {
            if (Request.read(in) == null) {
                return;
            }
            String answer = switch (n) {
                case 1 -> "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
                case 2 -> "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n";
                case 3 -> "HTTP/1.1 200 OK\r\n\r\nbody until the end";
                default -> "HTTP/1.1 200 OK\r\nContent-Length: " + (WebhookHttp.MAX_DRAIN + 1) + "\r\n\r\n";
            };
            out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            // keeps the connection open: the client must not wait for a body it will not read
            in.read();
        });
        URI url = URI.create("http://127.0.0.1:" + peer.port() + "/");
        for (int i = 0; i < 4; i++) {
            long t0 = System.nanoTime();
            assertThat(http.post(url, List.of(), new byte[0], CONNECT, deadline(5000))).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        }
        assertThat(peer.connections()).as("each answer ended its connection").isEqualTo(4);
    }

    @Test
    void aKeptConnectionTheEndpointDroppedIsReplacedAndTheRequestSentAgain() throws Exception {
        AtomicInteger answered = new AtomicInteger();
        Peer peer = peer((in, out, n) -> {
            // answers one request per connection, then closes it without saying so
            if (Request.read(in) != null) {
                answered.incrementAndGet(); // before the answer: the client may have it before this thread goes on
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        });
        URI url = URI.create("http://127.0.0.1:" + peer.port() + "/");
        assertThat(http.post(url, List.of(), new byte[0], CONNECT, deadline(2000))).isEqualTo(200);
        Thread.sleep(100); // the endpoint has closed the kept connection by now
        assertThat(http.post(url, List.of(), new byte[0], CONNECT, deadline(2000))).isEqualTo(200);
        assertThat(answered.get()).isEqualTo(2);
        assertThat(peer.connections()).isEqualTo(2);
    }

    @Test
    void anEndpointNoDeliveryGoesToAnyMoreKeepsNoConnectionOpen() throws Exception {
        java.util.concurrent.CountDownLatch closedByClient = new java.util.concurrent.CountDownLatch(1);
        Handler answerAll = (in, out, n) -> {
            while (Request.read(in) != null) {
                out.write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        };
        Peer old = peer((in, out, n) -> {
            answerAll.handle(in, out, n);
            closedByClient.countDown(); // the client closed the kept connection
        });
        Peer current = peer(answerAll);
        try (WebhookHttp client = new WebhookHttp(null, Duration.ofMillis(300))) {
            assertThat(client.post(URI.create("http://127.0.0.1:" + old.port() + "/"), List.of(), new byte[0], CONNECT,
                    deadline(2000))).isEqualTo(204);
            Thread.sleep(400);
            assertThat(closedByClient.getCount()).as("kept while nothing else happens").isEqualTo(1);
            // deliveries to another endpoint sweep the first one's idle connection away
            assertThat(client.post(URI.create("http://127.0.0.1:" + current.port() + "/"), List.of(), new byte[0], CONNECT,
                    deadline(2000))).isEqualTo(204);
            assertThat(closedByClient.await(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void garbageIsAFailureThatSaysWhatCame() throws Exception {
        String[] garbage = {
            "SSH-2.0-OpenSSH_9.2\r\n",
            "HTTP/1.1 2x0 OK\r\n\r\n",
            "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nX: " + "a".repeat(WebhookHttp.MAX_LINE + 10) + "\r\n\r\n",
            "HTTP/1.1 200 OK\r\n" + "X: y\r\n".repeat(WebhookHttp.MAX_HEADERS + 1) + "\r\n",
            "\u0000\u0001\u00ff\n",
        };
        AtomicInteger next = new AtomicInteger();
        Peer peer = peer((in, out, n) -> {
            if (Request.read(in) != null) {
                out.write(garbage[next.getAndIncrement()].getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                in.read();
            }
        });
        URI url = URI.create("http://127.0.0.1:" + peer.port() + "/");
        for (String g : garbage) {
            assertThatThrownBy(() -> http.post(url, List.of(), new byte[0], CONNECT, deadline(2000)))
                    .as(WebhookHttp.printable(g)).isInstanceOf(WebhookHttp.Malformed.class);
        }
        // an answer cut short is an I/O failure, not a hang
        Peer cut = peer((in, out, n) -> {
            if (Request.read(in) != null) {
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        });
        assertThatThrownBy(() -> http.post(URI.create("http://127.0.0.1:" + cut.port() + "/"), List.of(), new byte[0],
                CONNECT, deadline(2000))).isInstanceOf(IOException.class).hasMessageContaining("Content-Length");
    }

    @Test
    void anEndpointTooSlowOrTricklingIsCutOffAtTheDeadline() throws Exception {
        Peer silent = peer((in, out, n) -> {
            Request.read(in);
            Thread.sleep(5000);
        });
        Peer trickle = peer((in, out, n) -> {
            Request.read(in);
            byte[] answer = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
            for (byte b : answer) {
                out.write(b);
                out.flush();
                Thread.sleep(50);
            }
            for (int i = 0; i < 100; i++) {
                out.write('x');
                out.flush();
                Thread.sleep(50);
            }
        });
        for (Peer p : List.of(silent, trickle)) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> http.post(URI.create("http://127.0.0.1:" + p.port() + "/"), List.of(), new byte[0],
                    CONNECT, deadline(600))).isInstanceOf(WebhookHttp.NoAnswer.class);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(500), Duration.ofMillis(1500));
        }
    }

    @Test
    void aClosedPortIsRefusedAndAHeaderCannotCarryAnotherLine() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        URI closed = URI.create("http://127.0.0.1:" + port + "/");
        assertThatThrownBy(() -> http.post(closed, List.of(), new byte[0], CONNECT, deadline(2000)))
                .isInstanceOf(ConnectException.class);
        assertThatThrownBy(() -> http.post(closed, List.of("webhook-id", "1\r\nX-Injected: yes"), new byte[0], CONNECT,
                deadline(2000))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> http.post(URI.create("ftp://127.0.0.1/"), List.of(), new byte[0], CONNECT, deadline(2000)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tlsChecksTheCertificateAndTheHostName(@TempDir Path dir) throws Exception {
        char[] pass = "changeit".toCharArray();
        Path forLoopback = keyStore(dir, "loopback", "ip:127.0.0.1");
        Path forOther = keyStore(dir, "other", "dns:deliveries.example.org");
        SSLContext trusting = SSLContext.getInstance("TLS");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (Path p : List.of(forLoopback, forOther)) {
            KeyStore k = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(p)) {
                k.load(in, pass);
            }
            trust.setCertificateEntry(p.getFileName().toString(), k.getCertificate("endpoint"));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        trusting.init(null, tmf.getTrustManagers(), null);

        Peer good = tlsPeer(forLoopback, pass);
        Peer wrongName = tlsPeer(forOther, pass);
        try (WebhookHttp client = new WebhookHttp(trusting.getSocketFactory());
             WebhookHttp defaults = new WebhookHttp(SSLContext.getDefault().getSocketFactory())) {
            URI url = URI.create("https://127.0.0.1:" + good.port() + "/hook");
            assertThat(client.post(url, List.of("webhook-id", "1"), "{}".getBytes(StandardCharsets.UTF_8), CONNECT,
                    deadline(5000))).isEqualTo(200);
            assertThat(client.post(url, List.of("webhook-id", "2"), "{}".getBytes(StandardCharsets.UTF_8), CONNECT,
                    deadline(5000))).isEqualTo(200);
            assertThat(good.connections()).isEqualTo(1);
            // a certificate for another name, and one nobody vouches for
            assertThatThrownBy(() -> client.post(URI.create("https://127.0.0.1:" + wrongName.port() + "/"), List.of(),
                    new byte[0], CONNECT, deadline(5000))).isInstanceOf(SSLHandshakeException.class);
            assertThatThrownBy(() -> defaults.post(url, List.of(), new byte[0], CONNECT, deadline(5000)))
                    .isInstanceOf(SSLHandshakeException.class);
        }
    }

    private Peer tlsPeer(Path keyStore, char[] pass) throws Exception {
        KeyStore k = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            k.load(in, pass);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(k, pass);
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(kmf.getKeyManagers(), null, null);
        return peer(server.getServerSocketFactory(), (in, out, n) -> {
            while (Request.read(in) != null) {
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        });
    }

    /** A PKCS#12 key store with a self-signed EC certificate for the subject alternative name, made by keytool. */
    private static Path keyStore(Path dir, String name, String san) throws Exception {
        Path file = dir.resolve(name + ".p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "endpoint", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-ext", "SAN=" + san, "-validity", "2", "-keystore", file.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        return file;
    }

    private static long deadline(long ms) {
        return System.nanoTime() + ms * 1_000_000L;
    }

    /** What an endpoint does with one connection (n: the connection's number, from 1). */
    interface Handler {
        void handle(InputStream in, OutputStream out, int n) throws Exception;
    }

    private Peer peer(Handler handler) throws IOException {
        return peer(ServerSocketFactory.getDefault(), handler);
    }

    private Peer peer(ServerSocketFactory factory, Handler handler) throws IOException {
        Peer p = new Peer(factory.createServerSocket(0, 50, InetAddress.getLoopbackAddress()), handler);
        peers.add(p);
        return p;
    }

    /** An endpoint on a raw server socket: a thread per connection runs the handler, then closes it. */
    private static final class Peer {
        private final ServerSocket server;
        private final AtomicInteger accepted = new AtomicInteger();
        private final List<Socket> open = new CopyOnWriteArrayList<>();

        Peer(ServerSocket server, Handler handler) {
            this.server = server;
            Thread.ofPlatform().daemon().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        int n = accepted.incrementAndGet();
                        open.add(s);
                        Thread.ofPlatform().daemon().start(() -> {
                            try (s) {
                                handler.handle(s.getInputStream(), s.getOutputStream(), n);
                            } catch (Exception e) {
                                // the client went away, or the test is over
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        int connections() {
            return accepted.get();
        }

        void close() {
            try {
                server.close();
            } catch (IOException ignored) {
                // over
            }
            for (Socket s : open) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // over
                }
            }
        }
    }

    /** A request as the endpoint read it. */
    record Request(String line, Map<String, String> headers, byte[] body) {

        /** @return the next request on the connection, or null at its end */
        static Request read(InputStream in) throws IOException {
            String line = line(in);
            if (line == null) {
                return null;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
                int colon = h.indexOf(':');
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            return new Request(line, headers, in.readNBytes(length));
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
                }
                if (c != '\r') {
                    b.write(c);
                }
            }
            return b.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
