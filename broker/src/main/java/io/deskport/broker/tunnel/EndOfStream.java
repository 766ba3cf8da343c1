package io.deskport.broker.tunnel;

/**
 * Finds the instructions a gateway ends its stream with ({@code error} and {@code disconnect}) at the end of a chunk of
 * whole Guacamole instructions, so that the tunnel can hold them back while it decides whether the connection really
 * ended or its desktop only moved. Element lengths count Unicode code points, as the protocol says.
 */
final class EndOfStream {

    private EndOfStream() {
    }

    /**
     * @return where the trailing run of {@code error} / {@code disconnect} instructions begins, or {@code chunk.length}
     *         when the chunk does not end with one (or is not made of whole, well-formed instructions)
     */
    static int start(char[] chunk) {
        int i = 0;
        int tail = chunk.length;
        while (i < chunk.length) {
            int begin = i;
            String opcode = null;
            while (true) {
                int length = 0;
                int digits = 0;
                while (i < chunk.length && chunk[i] >= '0' && chunk[i] <= '9') {
                    length = length * 10 + (chunk[i] - '0');
                    if (++digits > 9) {
                        return chunk.length;
                    }
                    i++;
                }
                if (digits == 0 || i >= chunk.length || chunk[i] != '.') {
                    return chunk.length;
                }
                int valueStart = ++i;
                for (int n = 0; n < length; n++) {
                    if (i >= chunk.length) {
                        return chunk.length;
                    }
                    i += Character.isHighSurrogate(chunk[i]) && i + 1 < chunk.length
                            && Character.isLowSurrogate(chunk[i + 1]) ? 2 : 1;
                }
                if (opcode == null) {
                    opcode = new String(chunk, valueStart, i - valueStart);
                }
                if (i >= chunk.length) {
                    return chunk.length;
                }
                char terminator = chunk[i++];
                if (terminator == ';') {
                    break;
                }
                if (terminator != ',') {
                    return chunk.length;
                }
            }
            boolean ending = opcode.equals("error") || opcode.equals("disconnect");
            if (!ending) {
                tail = chunk.length;
            } else if (tail == chunk.length) {
                tail = begin;
            }
        }
        return tail;
    }
}
