package io.deskport.gateway.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server side of the Guacamole handshake, as guacd performs it: {@code select}, {@code args},
 * then the client's {@code size}/{@code audio}/{@code video}/{@code image}/{@code timezone}/{@code name}
 * in any order, ended by {@code connect}. The caller applies the per-instruction timeout (guacd: 15 s)
 * on the underlying socket.
 */
public final class ServerHandshake {

    /** The protocol version this server speaks and announces first in {@code args}. */
    public static final String PROTOCOL_VERSION = "VERSION_1_5_0";

    private final InstructionParser parser;
    private final OutputStream out;

    /**
     * @param parser reads the client's instructions
     * @param out    where the server's instructions go
     */
    public ServerHandshake(InstructionParser parser, OutputStream out) {
        this.parser = parser;
        this.out = out;
    }

    /**
     * Reads the client's {@code select}.
     *
     * @return the selected protocol name or {@code $}-prefixed connection id
     * @throws ProtocolException if the first instruction is not a valid {@code select}
     */
    public String readSelect() throws IOException {
        Instruction select = expectInstruction();
        if (!select.opcode().equals("select") || select.args().size() != 1) {
            throw new ProtocolException("Expected \"select\" but received \"" + select.opcode() + "\"");
        }
        return select.args().getFirst();
    }

    /** Sends {@code args} with the protocol version first, then the given parameter names. */
    public void sendArgs(List<String> parameterNames) throws IOException {
        InstructionWriter w = new InstructionWriter();
        w.begin("args").arg(PROTOCOL_VERSION);
        for (String name : parameterNames) {
            w.arg(name);
        }
        w.end();
        send(w);
    }

    /**
     * Reads the client's description of itself and its {@code connect}.
     *
     * @param parameterNames the names sent in {@code args}, in the same order
     * @return the client's information and its parameter values by name
     * @throws ProtocolException if the client sends something invalid or the wrong number of values
     */
    public Result readConnect(List<String> parameterNames) throws IOException {
        int width = 1024;
        int height = 768;
        int dpi = 96;
        List<String> audio = List.of();
        List<String> video = List.of();
        List<String> image = List.of();
        String timezone = "";
        String name = "";
        while (true) {
            Instruction in = expectInstruction();
            switch (in.opcode()) {
                case "size" -> {
                    width = clamp(in.intArg(0, width), 1, 16384);
                    height = clamp(in.intArg(1, height), 1, 16384);
                    dpi = clamp(in.intArg(2, dpi), 1, 10000);
                }
                case "audio" -> audio = in.args();
                case "video" -> video = in.args();
                case "image" -> image = in.args();
                case "timezone" -> timezone = in.arg(0, "");
                case "name" -> name = in.arg(0, "");
                case "connect" -> {
                    List<String> values = new ArrayList<>(in.args());
                    String version = "VERSION_1_0_0";
                    if (!values.isEmpty() && values.getFirst().startsWith("VERSION_")) {
                        version = values.removeFirst();
                    }
                    if (values.size() != parameterNames.size()) {
                        throw new ProtocolException("Incorrect number of connection parameters provided: expected "
                                + parameterNames.size() + ", got " + values.size());
                    }
                    Map<String, String> byName = new LinkedHashMap<>();
                    for (int i = 0; i < values.size(); i++) {
                        byName.put(parameterNames.get(i), values.get(i));
                    }
                    return new Result(new ClientInfo(width, height, dpi, audio, video, image, timezone, name,
                            version), byName);
                }
                default -> {
                    // guacd ignores handshake instructions it does not know; so do we.
                }
            }
        }
    }

    /** Sends {@code ready} with the connection id the client may use to join later. */
    public void sendReady(String connectionId) throws IOException {
        send(new InstructionWriter().begin("ready").arg(connectionId).end());
    }

    /** Sends {@code error} followed by {@code disconnect}. */
    public void sendError(String message, GuacamoleStatus status) throws IOException {
        InstructionWriter w = new InstructionWriter();
        w.begin("error").arg(message).arg(status.code()).end();
        w.begin("disconnect").end();
        send(w);
    }

    private Instruction expectInstruction() throws IOException {
        Instruction in = parser.read();
        if (in == null) {
            throw new ProtocolException("Client closed the connection during the handshake");
        }
        return in;
    }

    private void send(InstructionWriter w) throws IOException {
        out.write(w.toByteArray());
        out.flush();
    }

    private static int clamp(int v, int min, int max) {
        return Math.max(min, Math.min(max, v));
    }

    /**
     * Outcome of a completed handshake.
     *
     * @param client    what the client told about itself
     * @param arguments the connection parameter values keyed by name (absent ones are empty strings)
     */
    public record Result(ClientInfo client, Map<String, String> arguments) {

        /** @return the value for the named parameter, or "" if absent */
        public String argument(String name) {
            return arguments.getOrDefault(name, "");
        }
    }
}
