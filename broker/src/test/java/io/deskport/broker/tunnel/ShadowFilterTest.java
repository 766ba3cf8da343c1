package io.deskport.broker.tunnel;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a shadow lets through, instruction by instruction. */
class ShadowFilterTest {

    @Test
    void onlyFrameAcknowledgementsAndKeepAlivesOfTheViewerGoOn() {
        ShadowFilter filter = new ShadowFilter();
        assertThat(filter.fromBrowser("sync")).isTrue();
        assertThat(filter.fromBrowser("nop")).isTrue();
        for (String input : List.of("key", "mouse", "touch", "clipboard", "blob", "end", "ack", "size", "file", "pipe",
                "argv", "audio", "put", "get", "disconnect", "select", "connect", "something-new")) {
            assertThat(filter.fromBrowser(input)).as(input).isFalse();
        }
        assertThat(filter.dropped()).isEqualTo(18);
    }

    @Test
    void theUsersClipboardStreamsAreLeftOutAndEverythingThatDrawsGoesOn() {
        ShadowFilter filter = new ShadowFilter();
        assertThat(filter.toBrowser("img", List.of("1", "14", "0", "image/png", "0", "0"))).isTrue();
        assertThat(filter.toBrowser("clipboard", List.of("3", "text/plain"))).isFalse();
        assertThat(filter.toBrowser("blob", List.of("1", "aW1n"))).as("the image's data").isTrue();
        assertThat(filter.toBrowser("blob", List.of("3", "c2VjcmV0"))).as("the clipboard's data").isFalse();
        assertThat(filter.toBrowser("end", List.of("3"))).isFalse();
        assertThat(filter.toBrowser("end", List.of("1"))).isTrue();
        // the stream number is free again: an image may use it
        assertThat(filter.toBrowser("blob", List.of("3", "aW1n"))).isTrue();
        assertThat(filter.toBrowser("sync", List.of("1000", "1"))).isTrue();
        assertThat(filter.toBrowser("size", List.of("0", "1024", "768"))).isTrue();
    }
}
