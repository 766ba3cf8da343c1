package io.deskport.gateway.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Guacamole instructions from a character stream, enforcing guacd's limits: at most
 * {@value #MAX_INSTRUCTION_LENGTH} code points per instruction, {@value #MAX_LENGTH_DIGITS} digits per
 * element length and {@value #MAX_ELEMENTS} elements. Element lengths count Unicode code points, so a
 * character outside the Basic Multilingual Plane (a surrogate pair in Java) counts as one.
 *
 * <p>Any violation raises {@link ProtocolException}; after that the stream is out of step and must be
 * closed. Not thread-safe.
 */
public final class InstructionParser {

    /** Longest instruction accepted, in code points. */
    public static final int MAX_INSTRUCTION_LENGTH = 8192;
    /** Most digits an element length may have. */
    public static final int MAX_LENGTH_DIGITS = 5;
    /** Most elements (opcode included) an instruction may have. */
    public static final int MAX_ELEMENTS = 128;

    private final Reader in;
    private final char[] buf = new char[8192];
    private int pos;
    private int limit;
    /** Chars read from the stream into the buffer so far. */
    private long filled;
    private final StringBuilder element = new StringBuilder(64);

    /** @param in the character stream to read; callers decode UTF-8 and buffer as they see fit */
    public InstructionParser(Reader in) {
        this.in = in;
    }

    /**
     * Reads the next instruction.
     *
     * @return the instruction, or {@code null} if the stream ended cleanly between instructions
     * @throws ProtocolException if the input is not a valid instruction
     * @throws IOException       if reading fails (including socket timeouts)
     */
    public Instruction read() throws IOException {
        List<String> elements = new ArrayList<>(8);
        int consumed = 0;
        while (true) {
            // element length
            int length = 0;
            int digits = 0;
            while (true) {
                int c = next(elements.isEmpty() && digits == 0);
                if (c == -1) {
                    return null;
                }
                consumed++;
                if (c >= '0' && c <= '9') {
                    if (++digits > MAX_LENGTH_DIGITS) {
                        throw new ProtocolException("Element length has more than " + MAX_LENGTH_DIGITS + " digits");
                    }
                    length = length * 10 + (c - '0');
                } else if (c == '.' && digits > 0) {
                    break;
                } else {
                    throw new ProtocolException("Expected an element length but found " + describe(c));
                }
            }
            // + 1 for the ',' or ';' that must follow the value
            if (consumed + length + 1 > MAX_INSTRUCTION_LENGTH) {
                throw new ProtocolException("Instruction longer than " + MAX_INSTRUCTION_LENGTH + " characters");
            }
            // element value: `length` code points
            element.setLength(0);
            for (int i = 0; i < length; i++) {
                char c = (char) next(false);
                element.append(c);
                if (Character.isHighSurrogate(c)) {
                    int low = peek();
                    if (low >= 0 && Character.isLowSurrogate((char) low)) {
                        element.append((char) next(false));
                    }
                }
            }
            consumed += length;
            if (elements.size() >= MAX_ELEMENTS) {
                throw new ProtocolException("Instruction has more than " + MAX_ELEMENTS + " elements");
            }
            elements.add(element.toString());
            int terminator = next(false);
            consumed++;
            if (terminator == ';') {
                return new Instruction(elements.getFirst(), elements.subList(1, elements.size()));
            }
            if (terminator != ',') {
                throw new ProtocolException("Expected ',' or ';' after an element but found " + describe(terminator));
            }
        }
    }

    /** @return how many chars of the stream the instructions read so far took up (not counting what is buffered ahead) */
    long consumed() {
        return filled - (limit - pos);
    }

    private static String describe(int c) {
        if (c < 0x20 || c > 0x7e) {
            return String.format("U+%04X", c);
        }
        return "'" + (char) c + "'";
    }

    /** Returns the next char; -1 at a clean end of stream if allowed, else EOFException. */
    private int next(boolean endAllowed) throws IOException {
        if (pos == limit && !fill()) {
            if (endAllowed) {
                return -1;
            }
            throw new EOFException("Stream ended inside an instruction");
        }
        return buf[pos++];
    }

    private int peek() throws IOException {
        if (pos == limit && !fill()) {
            return -1;
        }
        return buf[pos];
    }

    private boolean fill() throws IOException {
        int n;
        do {
            n = in.read(buf, 0, buf.length);
        } while (n == 0);
        if (n < 0) {
            return false;
        }
        pos = 0;
        limit = n;
        filled += n;
        return true;
    }
}
