package io.deskport.gateway.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Property-based fuzzing of the Guacamole parser with a fixed seed: random garbage, mutated valid
 * streams and valid round trips. The parser must only ever return instructions within the limits, end
 * cleanly, or throw {@link ProtocolException}/{@link EOFException}; it must never loop, hang or throw
 * anything else. Bounded by the number of inputs, not by time: the same inputs on every machine.
 */
class InstructionParserFuzzTest {

    private static final int INPUTS = 60_000;
    private static final long SEED = 20240611L;
    private static final String ALPHABET = "0123456789.,;abcxyz-$ é😀\u0000\n";

    @Test
    @Timeout(300) // a hang guard only: the parser must never loop
    void garbageAndMutationsNeverBreakTheParser() {
        Random random = new Random(SEED);
        int parsed = 0;
        int rejected = 0;
        for (int iterations = 0; iterations < INPUTS; iterations++) {
            String input = switch (iterations % 3) {
                case 0 -> randomText(random, random.nextInt(64));
                case 1 -> mutate(random, validStream(random));
                default -> randomLengths(random);
            };
            try {
                InstructionParser parser = new InstructionParser(new StringReader(input));
                int guard = 0;
                Instruction i;
                while ((i = parser.read()) != null) {
                    parsed++;
                    assertThat(i.args().size() + 1).isLessThanOrEqualTo(InstructionParser.MAX_ELEMENTS);
                    assertThat(i.encode().codePointCount(0, i.encode().length()))
                            .isLessThanOrEqualTo(InstructionParser.MAX_INSTRUCTION_LENGTH);
                    assertThat(++guard).as("instructions from %d chars", input.length()).isLessThanOrEqualTo(input.length());
                }
            } catch (ProtocolException | EOFException expected) {
                rejected++;
            } catch (IOException e) {
                throw new AssertionError("unexpected IOException for input " + input + " (seed " + SEED
                        + ", input " + iterations + ")", e);
            }
        }
        assertThat(parsed).isPositive();
        assertThat(rejected).isPositive();
    }

    @Test
    @Timeout(60)
    void everyWrittenInstructionParsesBackUnchanged() throws IOException {
        Random random = new Random(7L);
        for (int n = 0; n < 20_000; n++) {
            List<String> args = new ArrayList<>();
            int count = random.nextInt(6);
            for (int k = 0; k < count; k++) {
                args.add(randomText(random, random.nextInt(20)));
            }
            Instruction original = new Instruction(randomText(random, random.nextInt(8)), args);
            String wire = new String(new InstructionWriter().write(original).toByteArray(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(new InstructionParser(new StringReader(wire)).read()).isEqualTo(original);
        }
    }

    private static String validStream(Random random) {
        InstructionWriter w = new InstructionWriter();
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            w.begin(random.nextBoolean() ? "mouse" : "key");
            int args = random.nextInt(4);
            for (int a = 0; a < args; a++) {
                w.arg(randomText(random, random.nextInt(10)));
            }
            w.end();
        }
        return new String(w.toByteArray(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String mutate(Random random, String s) {
        StringBuilder b = new StringBuilder(s);
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations && !b.isEmpty(); m++) {
            int at = random.nextInt(b.length());
            switch (random.nextInt(4)) {
                case 0 -> b.deleteCharAt(at);
                case 1 -> b.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                case 2 -> b.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                default -> b.setLength(at);
            }
        }
        return b.toString();
    }

    /** Plausible element lengths with wrong or huge values, including oversized instructions. */
    private static String randomLengths(Random random) {
        StringBuilder b = new StringBuilder();
        int elements = random.nextInt(200);
        for (int e = 0; e < elements; e++) {
            int len = random.nextInt(10) == 0 ? random.nextInt(100_000) : random.nextInt(5);
            b.append(len).append('.').append("x".repeat(Math.min(len, 9000)));
            b.append(random.nextInt(10) == 0 ? ';' : ',');
        }
        return b.toString();
    }

    private static String randomText(Random random, int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            if (Character.isHighSurrogate(b.charAt(b.length() - 1))) {
                b.setLength(b.length() - 1);
                b.appendCodePoint(0x1F600);
            } else if (Character.isLowSurrogate(b.charAt(b.length() - 1))) {
                b.setLength(b.length() - 1);
                b.append('q');
            }
        }
        return b.toString();
    }
}
