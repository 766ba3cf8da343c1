package io.deskport.broker.tunnel;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.deskport.gateway.protocol.Instruction;
import io.deskport.gateway.protocol.ProtocolException;

import static org.assertj.core.api.Assertions.assertThat;

/** The clipboard filter on its own: which instructions of each direction it lets through. */
class ClipboardFilterTest {

    private final List<String> replies = new ArrayList<>();

    private static List<Boolean> fromBrowser(ClipboardFilter f, Instruction... instructions) {
        List<Boolean> passed = new ArrayList<>();
        for (Instruction i : instructions) {
            passed.add(f.passesFromBrowser(i));
        }
        return passed;
    }

    @Test
    void aRefusedPasteIsDroppedWholeAndTheBrowserIsToldItsStreamIsRefused() {
        ClipboardFilter f = new ClipboardFilter(false, true, replies::add);

        assertThat(fromBrowser(f, Instruction.of("clipboard", "5", "text/plain"), Instruction.of("blob", "5", "aGVsbG8="),
                Instruction.of("end", "5"), Instruction.of("key", "65", "1"), Instruction.of("blob", "7", "eA=="),
                Instruction.of("end", "7"))).containsExactly(false, false, false, true, true, true);
        assertThat(replies).singleElement().asString().startsWith("3.ack,1.5,").endsWith(",3.771;");
    }

    @Test
    void anIndexReusedForAnotherStreamPassesAgain() {
        ClipboardFilter f = new ClipboardFilter(false, true, replies::add);

        // the browser freed index 5 at the refusal and opened a file upload on it before its end was seen
        assertThat(fromBrowser(f, Instruction.of("clipboard", "5", "text/plain"), Instruction.of("file", "5",
                "application/octet-stream", "a.txt"), Instruction.of("blob", "5", "eA=="), Instruction.of("end", "5")))
                .containsExactly(false, true, true, true);
    }

    @Test
    void anAllowedDirectionPassesEverythingAndAnswersNothing() throws ProtocolException {
        ClipboardFilter f = new ClipboardFilter(true, true, replies::add);
        String wire = "9.clipboard,1.3,10.text/plain;4.blob,1.3,4.eA==;3.end,1.3;";

        assertThat(fromBrowser(f, Instruction.of("clipboard", "5", "text/plain"), Instruction.of("blob", "5", "eA=="),
                Instruction.of("end", "5"))).containsOnly(true);
        StringBuilder batch = new StringBuilder();
        f.appendToBrowser(batch, wire.toCharArray());
        assertThat(batch).hasToString(wire);
        assertThat(replies).isEmpty();
    }

    @Test
    void theDesktopsClipboardIsCutOutOfTheStreamAndEverythingElseKept() throws ProtocolException {
        ClipboardFilter f = new ClipboardFilter(true, false, replies::add);
        StringBuilder batch = new StringBuilder();

        // an image on stream 3, then the clipboard on stream 3, split across two reads of the gateway
        f.appendToBrowser(batch, "3.img,1.3,2.14,1.0,9.image/png,1.0,1.0;4.blob,1.3,4.iVBO;3.end,1.3;9.clipboard,1.3,"
                .toCharArray());
        f.appendToBrowser(batch, "10.text/plain;4.blob,1.3,8.c2VjcmV0;3.end,1.3;4.sync,3.123;".toCharArray());

        assertThat(batch).hasToString("3.img,1.3,2.14,1.0,9.image/png,1.0,1.0;4.blob,1.3,4.iVBO;3.end,1.3;4.sync,3.123;");
        assertThat(f.passesToBrowser("clipboard", List.of("3", "text/plain"))).isFalse();
        assertThat(f.passesToBrowser("blob", List.of("3", "eA=="))).isFalse();
        assertThat(f.passesToBrowser("end", List.of("3"))).isFalse();
        assertThat(f.passesToBrowser("blob", List.of("3", "eA=="))).isTrue();
        assertThat(replies).isEmpty();
    }
}
