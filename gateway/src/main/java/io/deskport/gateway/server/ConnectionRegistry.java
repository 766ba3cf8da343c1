package io.deskport.gateway.server;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The connections a gateway currently serves, by id, plus a count of handshakes in progress. */
final class ConnectionRegistry {

    private final Map<String, VncConnection> connections = new ConcurrentHashMap<>();
    private final AtomicInteger handshakes = new AtomicInteger();

    void add(VncConnection connection) {
        connections.put(connection.id(), connection);
    }

    void remove(VncConnection connection) {
        connections.remove(connection.id(), connection);
    }

    VncConnection find(String id) {
        return connections.get(id);
    }

    List<VncConnection> all() {
        return List.copyOf(connections.values());
    }

    /** @return the number of handshakes now running, including the one just started */
    int handshakeStarted() {
        return handshakes.incrementAndGet();
    }

    void handshakeDone() {
        handshakes.decrementAndGet();
    }
}
