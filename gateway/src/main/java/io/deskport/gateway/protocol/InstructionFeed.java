package io.deskport.gateway.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;

/**
 * Parses Guacamole instructions from text that arrives in pieces, such as the messages of a WebSocket
 * tunnel: {@link #append} each piece, then take the instructions it completes with {@link #next()} until
 * that returns null. An instruction split across pieces is kept until its end arrives. The wire format
 * and limits are those of {@link InstructionParser}, so what a feed accepts, the gateway accepts too.
 *
 * <p>Not thread-safe; one per stream.
 */
public final class InstructionFeed {

    private String text = "";
    /** Where in {@link #text} the instructions taken so far end. */
    private int taken;
    /** Reads {@link #text} from {@link #taken}; null once it holds no further complete instruction. */
    private InstructionParser parser;

    /** Adds a piece of text after what was appended before. */
    public void append(CharSequence piece) {
        String rest = text.substring(taken);
        text = rest.isEmpty() ? piece.toString() : rest + piece;
        taken = 0;
        parser = new InstructionParser(new StringReader(text));
    }

    /**
     * Takes the next instruction.
     *
     * @return the next complete instruction, or null if the text appended so far holds no further one (the
     *         start of an incomplete one is kept for the next piece)
     * @throws ProtocolException if the text breaks the wire format or the limits; the instructions before the
     *                           fault were returned, and the stream is out of step and must be closed
     */
    public Instruction next() throws ProtocolException {
        if (parser == null) {
            return null;
        }
        try {
            Instruction instruction = parser.read();
            if (instruction == null) {
                text = "";
                taken = 0;
                parser = null;
                return null;
            }
            taken = (int) parser.consumed();
            return instruction;
        } catch (EOFException e) {
            parser = null; // the text ends inside an instruction: it is kept from `taken` on
            return null;
        } catch (ProtocolException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("A StringReader failed", e);
        }
    }
}
