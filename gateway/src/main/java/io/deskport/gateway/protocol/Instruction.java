package io.deskport.gateway.protocol;

import java.util.List;
import java.util.Objects;

/**
 * One Guacamole instruction: an opcode and its arguments, e.g. {@code size,0,1024,768}.
 *
 * @param opcode the opcode, possibly empty (tunnel-internal instructions use the empty opcode)
 * @param args   the arguments, never null
 */
public record Instruction(String opcode, List<String> args) {

    public Instruction {
        Objects.requireNonNull(opcode, "opcode");
        args = List.copyOf(args);
    }

    /** Creates an instruction from an opcode and argument values. */
    public static Instruction of(String opcode, String... args) {
        return new Instruction(opcode, List.of(args));
    }

    /** @return the argument at {@code index}, or {@code fallback} when there are fewer arguments */
    public String arg(int index, String fallback) {
        return index < args.size() ? args.get(index) : fallback;
    }

    /** @return the argument at {@code index} parsed as an integer, or {@code fallback} if absent or not a number */
    public int intArg(int index, int fallback) {
        if (index >= args.size()) {
            return fallback;
        }
        try {
            return Integer.parseInt(args.get(index).trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** @return the wire form, e.g. {@code 4.size,1.0,4.1024,3.768;} */
    public String encode() {
        StringBuilder out = new StringBuilder(16 + opcode.length());
        InstructionWriter.appendElement(out, opcode);
        for (String arg : args) {
            out.append(',');
            InstructionWriter.appendElement(out, arg);
        }
        return out.append(';').toString();
    }

    @Override
    public String toString() {
        return encode();
    }
}
