package io.deskport.gateway.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstructionFeedTest {

    private static List<Instruction> take(InstructionFeed feed) throws ProtocolException {
        List<Instruction> out = new ArrayList<>();
        for (Instruction i = feed.next(); i != null; i = feed.next()) {
            out.add(i);
        }
        return out;
    }

    private static List<Instruction> feedAll(InstructionFeed feed, String... pieces) throws ProtocolException {
        List<Instruction> out = new ArrayList<>();
        for (String piece : pieces) {
            feed.append(piece);
            out.addAll(take(feed));
        }
        return out;
    }

    @Test
    void takesEveryInstructionOfAPieceInOrder() throws ProtocolException {
        assertThat(feedAll(new InstructionFeed(), "4.size,1.0,4.1024,3.768;0.,4.ping,3.123;4.sync,3.456;"))
                .containsExactly(Instruction.of("size", "0", "1024", "768"), Instruction.of("", "ping", "123"),
                        Instruction.of("sync", "456"));
    }

    @Test
    void nothingBeforeAPieceAndNothingAfterItsInstructionsAreTaken() throws ProtocolException {
        InstructionFeed feed = new InstructionFeed();
        assertThat(feed.next()).isNull();
        feed.append("3.nop;");
        assertThat(feed.next()).isEqualTo(Instruction.of("nop"));
        assertThat(feed.next()).isNull();
        assertThat(feed.next()).isNull();
        feed.append("");
        assertThat(feed.next()).isNull();
    }

    @Test
    void anInstructionSplitAnywhereAcrossPiecesArrivesWhole() throws ProtocolException {
        // a split inside the length, the value, a surrogate pair, before a terminator and between instructions
        String wire = "9.clipboard,3.a😀é;4.sync,5.12345;";
        List<Instruction> whole = feedAll(new InstructionFeed(), wire);
        assertThat(whole).containsExactly(Instruction.of("clipboard", "a😀é"), Instruction.of("sync", "12345"));
        for (int split = 0; split <= wire.length(); split++) {
            assertThat(feedAll(new InstructionFeed(), wire.substring(0, split), wire.substring(split)))
                    .as("split at %d", split).isEqualTo(whole);
        }
        List<String> chars = wire.chars().mapToObj(c -> String.valueOf((char) c)).toList();
        assertThat(feedAll(new InstructionFeed(), chars.toArray(String[]::new))).isEqualTo(whole);
    }

    @Test
    void anIncompleteInstructionWaitsWhileTheCompleteOnesAreTaken() throws ProtocolException {
        InstructionFeed feed = new InstructionFeed();
        feed.append("3.nop;4.sy");
        assertThat(take(feed)).containsExactly(Instruction.of("nop"));
        feed.append("nc,1.1;3.n");
        assertThat(take(feed)).containsExactly(Instruction.of("sync", "1"));
        feed.append("op;");
        assertThat(take(feed)).containsExactly(Instruction.of("nop"));
    }

    @Test
    void appendingBeforeEverythingWasTakenKeepsWhatWasNotTaken() throws ProtocolException {
        InstructionFeed feed = new InstructionFeed();
        feed.append("3.nop;4.sync,1.1;");
        assertThat(feed.next()).isEqualTo(Instruction.of("nop"));
        feed.append("3.nop;");
        assertThat(take(feed)).containsExactly(Instruction.of("sync", "1"), Instruction.of("nop"));
    }

    @Test
    void malformedTextFailsAfterTheInstructionsBeforeIt() throws ProtocolException {
        InstructionFeed feed = new InstructionFeed();
        feed.append("3.nop;x.nop;");
        assertThat(feed.next()).isEqualTo(Instruction.of("nop"));
        assertThatThrownBy(feed::next).isInstanceOf(ProtocolException.class).hasMessageContaining("'x'");
    }

    @Test
    void theParsersLimitsHoldAcrossPieces() {
        InstructionFeed feed = new InstructionFeed();
        assertThatThrownBy(() -> feedAll(feed, "4.blob,1.1,8176." + "a".repeat(4000), "a".repeat(4176) + ";"))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("8192");
        assertThatThrownBy(() -> feedAll(new InstructionFeed(), "0000", "04.size;"))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("digits");
    }
}
