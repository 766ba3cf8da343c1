package io.deskport.gateway.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstructionParserTest {

    private static List<Instruction> parseAll(String text) throws IOException {
        InstructionParser parser = new InstructionParser(new StringReader(text));
        List<Instruction> out = new ArrayList<>();
        for (Instruction i = parser.read(); i != null; i = parser.read()) {
            out.add(i);
        }
        return out;
    }

    @Test
    void readsConsecutiveInstructions() throws IOException {
        assertThat(parseAll("4.size,1.0,4.1024,3.768;4.sync,3.123;"))
                .containsExactly(Instruction.of("size", "0", "1024", "768"), Instruction.of("sync", "123"));
    }

    @Test
    void lengthsCountCodePointsNotUtf16Units() throws IOException {
        // "😀" is one code point but two Java chars; "é" is one of each.
        assertThat(parseAll("9.clipboard,3.a😀é;")).containsExactly(Instruction.of("clipboard", "a😀é"));
    }

    @Test
    void writerAndParserAgreeOnCodePoints() throws IOException {
        Instruction original = Instruction.of("name", "Jürgen 😀", "", "x,y;z.");
        InstructionWriter w = new InstructionWriter().write(original);
        String wire = new String(w.toByteArray(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(wire).isEqualTo("4.name,8.Jürgen 😀,0.,6.x,y;z.;");
        assertThat(parseAll(wire)).containsExactly(original);
    }

    @Test
    void acceptsTheEmptyOpcodeOfTunnelInstructions() throws IOException {
        assertThat(parseAll("0.,4.ping,3.123;")).containsExactly(Instruction.of("", "ping", "123"));
    }

    @Test
    void rejectsMoreThanFiveLengthDigits() {
        assertThatThrownBy(() -> parseAll("000004.size;")).isInstanceOf(ProtocolException.class).hasMessageContaining("digits");
    }

    @Test
    void rejectsInstructionsLongerThan8192CodePoints() {
        String big = "4.blob,1.1,8176." + "a".repeat(8176) + ";";
        assertThat(big.codePointCount(0, big.length())).isEqualTo(8193);
        assertThatThrownBy(() -> parseAll(big)).isInstanceOf(ProtocolException.class).hasMessageContaining("8192");
    }

    @Test
    void acceptsAnInstructionOfExactly8192CodePoints() throws IOException {
        String fits = "4.blob,1.1,8175." + "a".repeat(8175) + ";";
        assertThat(fits.codePointCount(0, fits.length())).isEqualTo(8192);
        assertThat(parseAll(fits)).hasSize(1);
    }

    @Test
    void rejectsMoreThan128Elements() {
        String many = "3.nop" + ",1.x".repeat(128) + ";";
        assertThatThrownBy(() -> parseAll(many)).isInstanceOf(ProtocolException.class).hasMessageContaining("128");
        assertThat(new InstructionParser(new StringReader("3.nop" + ",1.x".repeat(127) + ";")))
                .satisfies(p -> assertThat(p.read().args()).hasSize(127));
    }

    @Test
    void rejectsMissingSeparators() {
        assertThatThrownBy(() -> parseAll("4.sizex")).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> parseAll("a.b;")).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> parseAll(".;")).isInstanceOf(ProtocolException.class);
    }

    @Test
    void endOfStreamInsideAnInstructionIsAnError() {
        assertThatThrownBy(() -> parseAll("4.size,1.")).isInstanceOf(java.io.EOFException.class);
    }
}
