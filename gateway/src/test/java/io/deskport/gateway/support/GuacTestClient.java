package io.deskport.gateway.support;


import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.io.GuacamoleReader;
import org.apache.guacamole.io.GuacamoleWriter;
import org.apache.guacamole.net.GuacamoleTunnel;
import org.apache.guacamole.net.InetGuacamoleSocket;
import org.apache.guacamole.net.SimpleGuacamoleTunnel;
import org.apache.guacamole.protocol.ConfiguredGuacamoleSocket;
import org.apache.guacamole.protocol.GuacamoleClientInformation;
import org.apache.guacamole.protocol.GuacamoleConfiguration;
import org.apache.guacamole.protocol.GuacamoleInstruction;

/**
 * A Guacamole client built on the real guacamole-common library, behaving like the JavaScript client:
 * it echoes every {@code sync}, answers the server's {@code nop} with its own, and keeps every received
 * instruction for assertions. Clipboard streams are decoded into {@link #clipboardTexts()}.
 */
public final class GuacTestClient implements AutoCloseable {

    private final GuacamoleTunnel tunnel;
    private final ConfiguredGuacamoleSocket socket;
    private final List<GuacamoleInstruction> received = new CopyOnWriteArrayList<>();
    private final List<String> clipboards = new CopyOnWriteArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong bytes = new AtomicLong();
    private final Thread reader;
    private volatile boolean echoSync = true;
    private volatile boolean closed;

    private GuacTestClient(ConfiguredGuacamoleSocket socket) {
        this.socket = socket;
        this.tunnel = new SimpleGuacamoleTunnel(socket);
        this.reader = Thread.ofVirtual().name("guac-test-client").start(this::readLoop);
    }

    /** Connects with {@code select,vnc} and the given parameters. */
    public static GuacTestClient connect(int gatewayPort, Map<String, String> parameters) throws GuacamoleException {
        GuacamoleConfiguration config = new GuacamoleConfiguration();
        config.setProtocol("vnc");
        parameters.forEach(config::setParameter);
        return open(gatewayPort, config);
    }

    /** Joins an existing connection with {@code select,$id}. */
    public static GuacTestClient join(int gatewayPort, String connectionId, Map<String, String> parameters) throws GuacamoleException {
        GuacamoleConfiguration config = new GuacamoleConfiguration();
        config.setConnectionID(connectionId);
        parameters.forEach(config::setParameter);
        return open(gatewayPort, config);
    }

    /** Performs the handshake only, returning the configured socket (used to test handshake failures). */
    public static ConfiguredGuacamoleSocket handshake(int gatewayPort, GuacamoleConfiguration config) throws GuacamoleException {
        GuacamoleClientInformation info = new GuacamoleClientInformation();
        info.setOptimalScreenWidth(1280);
        info.setOptimalScreenHeight(800);
        info.getImageMimetypes().add("image/png");
        info.getImageMimetypes().add("image/jpeg");
        info.setTimezone("Europe/Berlin");
        info.setName("tester");
        return new ConfiguredGuacamoleSocket(new InetGuacamoleSocket("127.0.0.1", gatewayPort), config, info);
    }

    private static GuacTestClient open(int port, GuacamoleConfiguration config) throws GuacamoleException {
        return new GuacTestClient(handshake(port, config));
    }

    public String connectionId() {
        return socket.getConnectionID();
    }

    /** Stops echoing {@code sync}, like a client that stopped rendering. */
    public void stopEchoingSync() {
        echoSync = false;
    }

    public List<GuacamoleInstruction> received() {
        return received;
    }

    public List<String> clipboardTexts() {
        return clipboards;
    }

    /** @return bytes received after the handshake (instruction text, UTF-8 ≈ chars) */
    public long bytesReceived() {
        return bytes.get();
    }

    public long count(String opcode) {
        return received.stream().filter(i -> i.getOpcode().equals(opcode)).count();
    }

    public List<GuacamoleInstruction> all(String opcode) {
        return received.stream().filter(i -> i.getOpcode().equals(opcode)).toList();
    }

    /** Waits until an instruction matching the predicate has arrived and returns the first such. */
    public GuacamoleInstruction await(String description, Duration timeout, Predicate<GuacamoleInstruction> match) {
        AtomicReference<GuacamoleInstruction> found = new AtomicReference<>();
        org.awaitility.Awaitility.await(description).atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> {
            for (GuacamoleInstruction i : received) {
                if (match.test(i)) {
                    found.set(i);
                    return true;
                }
            }
            return false;
        });
        return found.get();
    }

    public GuacamoleInstruction awaitOpcode(String opcode, Duration timeout) {
        return await("instruction " + opcode, timeout, i -> i.getOpcode().equals(opcode));
    }

    public Throwable failure() {
        return failure.get();
    }

    public boolean isReaderDone() {
        return !reader.isAlive();
    }

    /** Sends one instruction. */
    public void send(String opcode, String... args) throws GuacamoleException {
        GuacamoleWriter writer = tunnel.acquireWriter();
        try {
            writer.writeInstruction(new GuacamoleInstruction(opcode, args));
        } finally {
            tunnel.releaseWriter();
        }
    }

    /** Types text as key presses and releases (ASCII characters map to their keysyms). */
    public void type(String text) throws GuacamoleException {
        for (char c : text.toCharArray()) {
            int keysym = c == '\n' ? 0xff0d : c;
            send("key", String.valueOf(keysym), "1");
            send("key", String.valueOf(keysym), "0");
        }
    }

    /** Sends clipboard text as the JavaScript client does: {@code clipboard}, {@code blob}, {@code end}. */
    public void sendClipboard(String text) throws GuacamoleException {
        send("clipboard", "10", "text/plain");
        send("blob", "10", Base64.getEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        send("end", "10");
    }

    private void readLoop() {
        Map<String, StringBuilder> openClipboards = new java.util.HashMap<>();
        try {
            GuacamoleReader in = tunnel.acquireReader();
            GuacamoleInstruction i;
            while (!closed && (i = in.readInstruction()) != null) {
                received.add(i);
                bytes.addAndGet(i.toString().length());
                List<String> args = i.getArgs();
                switch (i.getOpcode()) {
                    case "sync" -> {
                        if (echoSync) {
                            send("sync", args.getFirst());
                        }
                    }
                    case "nop" -> send("nop");
                    case "clipboard" -> openClipboards.put(args.get(0), new StringBuilder());
                    case "blob" -> {
                        StringBuilder b = openClipboards.get(args.get(0));
                        if (b != null) {
                            b.append(new String(Base64.getDecoder().decode(args.get(1)), java.nio.charset.StandardCharsets.UTF_8));
                        }
                    }
                    case "end" -> {
                        StringBuilder b = openClipboards.remove(args.get(0));
                        if (b != null) {
                            clipboards.add(b.toString());
                        }
                    }
                    case "disconnect" -> {
                        return;
                    }
                    default -> {
                    }
                }
            }
        } catch (Throwable t) {
            if (!closed) {
                failure.set(t);
            }
        }
    }

    /** @return every instruction as text, for assertions on wire details */
    public List<String> wire() {
        List<String> out = new ArrayList<>();
        received.forEach(i -> out.add(i.toString()));
        return out;
    }

    @Override
    public void close() {
        closed = true;
        try {
            tunnel.close();
        } catch (GuacamoleException ignored) {
            // closing anyway
        }
    }
}
