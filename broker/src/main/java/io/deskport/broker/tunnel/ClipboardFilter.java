package io.deskport.broker.tunnel;

import java.nio.CharBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.apache.guacamole.protocol.GuacamoleStatus;

import io.deskport.gateway.protocol.Instruction;
import io.deskport.gateway.protocol.InstructionFeed;
import io.deskport.gateway.protocol.ProtocolException;

/**
 * A pool's clipboard policy on one tunnel. Clipboard text crosses the Guacamole protocol as a stream: a
 * {@code clipboard,<stream>,<mimetype>} instruction opens it, {@code blob,<stream>,<base64>} instructions carry the
 * text and {@code end,<stream>} closes it; the browser sends one when the user pastes into the desktop, the gateway
 * (or guacd) one when the desktop's clipboard changes. In a refused direction the whole stream is dropped here, in
 * the broker, whatever the gateway behind it does:
 * <ul>
 * <li>browser → desktop: the {@code clipboard} instruction and the {@code blob}s and {@code end} of its stream never
 * reach the gateway; the browser is answered {@code ack,<stream>,…,771} (CLIENT_FORBIDDEN), as guacd answers a
 * clipboard it does not take, so that guacamole-common-js frees the stream;</li>
 * <li>desktop → browser: the desktop's clipboard stream never reaches the browser. Only then is the gateway's side
 * read instruction by instruction; with the direction allowed its text passes as it came.</li>
 * </ul>
 * Other streams (images, files, audio) on the same indexes pass untouched.
 *
 * <p>One per tunnel; each direction is used by one thread (the WebSocket's messages arrive one at a time; the
 * gateway's side is read by the tunnel's relay thread).
 */
final class ClipboardFilter {

    /** Instructions of a browser that open an output stream, whose index then names that stream. */
    private static final Set<String> OPENS_STREAM = Set.of("clipboard", "file", "pipe", "audio", "argv", "put");

    private final boolean toDesktop;
    private final boolean fromDesktop;
    private final Consumer<String> replyToBrowser;
    private final Set<String> refusedFromBrowser = new HashSet<>();
    private final Set<String> refusedFromDesktop = new HashSet<>();
    private final InstructionFeed fromDesktopFeed = new InstructionFeed();

    /**
     * @param toDesktop whether the browser's clipboard may reach the desktop
     * @param fromDesktop whether the desktop's clipboard may reach the browser
     * @param replyToBrowser sends an instruction (encoded) to the browser
     */
    ClipboardFilter(boolean toDesktop, boolean fromDesktop, Consumer<String> replyToBrowser) {
        this.toDesktop = toDesktop;
        this.fromDesktop = fromDesktop;
        this.replyToBrowser = replyToBrowser;
    }

    /**
     * Browser → desktop.
     *
     * @return whether the instruction may go on to the gateway (a refused clipboard stream is answered here)
     */
    boolean passesFromBrowser(Instruction instruction) {
        if (toDesktop) {
            return true;
        }
        List<String> args = instruction.args();
        String stream = args.isEmpty() ? "" : args.getFirst();
        switch (instruction.opcode()) {
            case "clipboard" -> {
                refusedFromBrowser.add(stream);
                replyToBrowser.accept(new GuacamoleInstruction("ack", stream,
                        "The pool's clipboard policy keeps the browser's clipboard out of this desktop",
                        Integer.toString(GuacamoleStatus.CLIENT_FORBIDDEN.getGuacamoleStatusCode())).toString());
                return false;
            }
            case "blob" -> {
                return !refusedFromBrowser.contains(stream);
            }
            case "end" -> {
                return !refusedFromBrowser.remove(stream);
            }
            default -> {
                if (OPENS_STREAM.contains(instruction.opcode())) {
                    refusedFromBrowser.remove(stream); // the index names another stream now
                }
                return true;
            }
        }
    }

    /**
     * Desktop → browser, one instruction (while the tunnel reads the gateway instruction by instruction).
     *
     * @return whether the instruction may go on to the browser
     */
    boolean passesToBrowser(String opcode, List<String> args) {
        if (fromDesktop) {
            return true;
        }
        String stream = args.isEmpty() ? "" : args.getFirst();
        return switch (opcode) {
            case "clipboard" -> {
                refusedFromDesktop.add(stream);
                yield false;
            }
            case "blob" -> !refusedFromDesktop.contains(stream);
            case "end" -> !refusedFromDesktop.remove(stream);
            case "img", "audio", "video", "file", "pipe", "body" -> {
                refusedFromDesktop.remove(stream); // the index names another stream now
                yield true;
            }
            default -> true;
        };
    }

    /**
     * Desktop → browser, a chunk of whole instructions as the gateway's reader returns them: appended to
     * {@code batch} as it came, or without the desktop's clipboard streams when the policy refuses them.
     *
     * @throws ProtocolException when the gateway's text breaks the wire format
     */
    void appendToBrowser(StringBuilder batch, char[] chunk) throws ProtocolException {
        if (fromDesktop) {
            batch.append(chunk);
            return;
        }
        fromDesktopFeed.append(CharBuffer.wrap(chunk));
        for (Instruction i = fromDesktopFeed.next(); i != null; i = fromDesktopFeed.next()) {
            if (passesToBrowser(i.opcode(), i.args())) {
                batch.append(i.encode());
            }
        }
    }
}
