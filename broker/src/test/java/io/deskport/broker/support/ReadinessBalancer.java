package io.deskport.broker.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * A test-only load balancer in front of broker replicas, as a Kubernetes Service with readiness probes is: it
 * forwards each TCP connection (HTTP or WebSocket, both are TCP) to the next ready backend in turn, a backend
 * being ready while its {@code /actuator/health/readiness} answers 200 (probed every 100 ms); a backend that
 * refuses the connection is skipped for the next one.
 */
public final class ReadinessBalancer implements AutoCloseable {

    private static final HttpClient PROBE = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    private final ServerSocket server;
    private final List<Integer> backends;
    private final AtomicIntegerArray ready;
    private final AtomicInteger next = new AtomicInteger();
    private volatile boolean open = true;

    private ReadinessBalancer(List<Integer> backends) throws IOException {
        this.backends = List.copyOf(backends);
        this.ready = new AtomicIntegerArray(backends.size());
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", 0), 256);
        Thread.ofPlatform().daemon().name("balancer-probe").start(this::probe);
        Thread.ofPlatform().daemon().name("balancer-accept").start(this::accept);
    }

    /** Starts balancing over the brokers on these local ports. */
    public static ReadinessBalancer over(List<Integer> backendPorts) throws IOException {
        return new ReadinessBalancer(backendPorts);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Whether backend {@code i} answered its last readiness probe with 200. */
    public boolean isReady(int i) {
        return ready.get(i) == 1;
    }

    private void probe() {
        while (open) {
            for (int i = 0; i < backends.size(); i++) {
                ready.set(i, readiness(backends.get(i)) == 200 ? 1 : 0);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static int readiness(int port) {
        try {
            return PROBE.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private void accept() {
        while (open) {
            try {
                Socket client = server.accept();
                Thread.ofVirtual().start(() -> forward(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void forward(Socket client) {
        Socket backend = null;
        int n = backends.size();
        int first = Math.floorMod(next.getAndIncrement(), n);
        // ready backends first, in turn; when none is ready, any that takes the connection
        for (int pass = 0; pass < 2 && backend == null; pass++) {
            for (int k = 0; k < n && backend == null; k++) {
                int i = (first + k) % n;
                if (pass == 0 && !isReady(i)) {
                    continue;
                }
                try {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", backends.get(i)), 1000);
                    backend = s;
                } catch (IOException refused) {
                    // the next one
                }
            }
        }
        if (backend == null) {
            closeQuietly(client);
            return;
        }
        Socket b = backend;
        Thread.ofVirtual().start(() -> pipe(client, b));
        pipe(b, client);
    }

    private static void pipe(Socket from, Socket to) {
        byte[] buffer = new byte[16384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int r;
            while ((r = in.read(buffer)) >= 0) {
                out.write(buffer, 0, r);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closed already
        }
    }

    @Override
    public void close() throws IOException {
        open = false;
        server.close();
    }
}
