package io.deskport.broker.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.guacamole.protocol.GuacamoleInstruction;

import io.deskport.gateway.protocol.Instruction;
import io.deskport.gateway.protocol.InstructionFeed;
import io.deskport.gateway.protocol.ProtocolException;

import static org.awaitility.Awaitility.await;

/**
 * The broker's WebSocket tunnel seen from a browser: what guacamole-common-js does (subprotocol
 * {@code guacamole}, the tunnel id first, {@code sync} echoed, {@code ping}s), with every received
 * instruction kept for assertions.
 */
public final class BrowserTunnel implements WebSocket.Listener, AutoCloseable {

    private final List<GuacamoleInstruction> received = new CopyOnWriteArrayList<>();
    /** When each of {@link #received} arrived ({@link System#nanoTime()}), in the same order. */
    private final List<Long> arrivals = new CopyOnWriteArrayList<>();
    private volatile long closedAt;
    private final InstructionFeed feed = new InstructionFeed();
    private final StringBuilder partial = new StringBuilder();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private volatile String tunnelId;
    private WebSocket socket;

    /** Opens {@code /tunnel?token=…&width=…&height=…&dpi=96}; fails when the upgrade is refused. */
    public static BrowserTunnel open(int port, String token, int width, int height) throws Exception {
        return open(port, "/tunnel", token, width, height);
    }

    /** Opens the tunnel at {@code path} (e.g. an admin's shadow, {@code /tunnel/shadow}) with the ticket. */
    public static BrowserTunnel open(int port, String path, String token, int width, int height) throws Exception {
        BrowserTunnel t = new BrowserTunnel();
        t.socket = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("guacamole")
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + port + path + "?token=" + token + "&width=" + width
                        + "&height=" + height + "&dpi=96"), t)
                .get(10, TimeUnit.SECONDS);
        return t;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String message = partial.toString();
            partial.setLength(0);
            try {
                feed.append(message);
                for (Instruction instruction = feed.next(); instruction != null; instruction = feed.next()) {
                    handle(new GuacamoleInstruction(instruction.opcode(), instruction.args()));
                }
            } catch (ProtocolException e) {
                closed.complete("unparsable: " + e.getMessage());
            }
        }
        ws.request(1);
        return null;
    }

    private void handle(GuacamoleInstruction instruction) {
        if (instruction.getOpcode().isEmpty() && tunnelId == null) {
            tunnelId = instruction.getArgs().getFirst();
        }
        arrivals.add(System.nanoTime());
        received.add(instruction);
        if (instruction.getOpcode().equals("sync")) {
            send("sync", instruction.getArgs().getFirst());
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        closedAt = System.nanoTime();
        closed.complete(statusCode + " " + reason);
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        closed.complete("error " + error);
    }

    public synchronized void send(String opcode, String... args) {
        socket.sendText(new GuacamoleInstruction(opcode, args).toString(), true).join();
    }

    public String tunnelId() {
        return tunnelId;
    }

    public List<GuacamoleInstruction> received() {
        return received;
    }

    public boolean hasReceived(String opcode) {
        return received.stream().anyMatch(i -> i.getOpcode().equals(opcode));
    }

    public GuacamoleInstruction awaitOpcode(String opcode) {
        await(opcode).atMost(Duration.ofSeconds(20)).until(() -> hasReceived(opcode) || closed.isDone());
        return received.stream().filter(i -> i.getOpcode().equals(opcode)).findFirst()
                .orElseThrow(() -> new AssertionError("tunnel closed (" + closed.getNow("") + ") before " + opcode));
    }

    /** @return the first instruction received that matches, once one is (fails when the tunnel closes first) */
    public GuacamoleInstruction awaitInstruction(String what, java.util.function.Predicate<GuacamoleInstruction> which) {
        await(what).atMost(Duration.ofSeconds(20)).until(() -> received.stream().anyMatch(which) || closed.isDone());
        return received.stream().filter(which).findFirst()
                .orElseThrow(() -> new AssertionError("tunnel closed (" + closed.getNow("") + ") before " + what));
    }

    /** @return when the instruction arrived ({@link System#nanoTime()}) */
    public long arrivalOf(GuacamoleInstruction instruction) {
        for (int i = 0; i < received.size(); i++) {
            if (received.get(i) == instruction) {
                return arrivals.get(i);
            }
        }
        throw new IllegalArgumentException("not received here: " + instruction);
    }

    /** @return when the server closed the tunnel ({@link System#nanoTime()}), 0 while it is open */
    public long closedAt() {
        return closedAt;
    }

    /** @return how many {@code sync}s (frames) were received so far */
    public long frames() {
        return received.stream().filter(i -> i.getOpcode().equals("sync")).count();
    }

    /** @return "code reason" once the server closed the tunnel */
    public String awaitClose() {
        await("tunnel closed").atMost(Duration.ofSeconds(20)).until(closed::isDone);
        return closed.join();
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
            await().atMost(Duration.ofSeconds(10)).until(closed::isDone);
        }
    }
}
