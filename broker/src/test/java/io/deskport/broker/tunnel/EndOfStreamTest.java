package io.deskport.broker.tunnel;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Where a gateway's closing instructions begin in a chunk of whole instructions (the tunnel holds them back). */
class EndOfStreamTest {

    private static int start(String chunk) {
        return EndOfStream.start(chunk.toCharArray());
    }

    @Test
    void findsTheTrailingErrorAndDisconnectAfterTheLastFrame() {
        String frame = "4.sync,8.12345678;";
        String end = "5.error,24.VNC connection failed: x,3.515;10.disconnect;";
        assertThat(start(frame + end)).isEqualTo(frame.length());
        assertThat(start(end)).isZero();
        assertThat(start("10.disconnect;")).isZero();
    }

    @Test
    void anErrorFollowedByMoreDrawingIsNotTheEnd() {
        String chunk = "5.error,1.x,3.515;4.sync,1.1;10.disconnect;";
        assertThat(start(chunk)).isEqualTo(chunk.indexOf("10.disconnect"));
        assertThat(start("4.sync,1.1;")).isEqualTo("4.sync,1.1;".length());
    }

    @Test
    void lengthsCountCodePointsNotJavaChars() {
        // "😀" is two Java chars but one code point: its element's length is 1
        String frame = "4.name,1.\uD83D\uDE00;";
        String chunk = frame + "10.disconnect;";
        assertThat(start(chunk)).isEqualTo(frame.length());
        // a message with the terminators inside its value
        String tricky = "5.error,6.a;b,c.,3.519;10.disconnect;";
        assertThat(start("3.img,1.;;" + tricky)).isEqualTo("3.img,1.;;".length());
    }

    @Test
    void garbageIsNeverCut() {
        for (String bad : new String[] {"", "x", "5.error", "5.error,", "99.disconnect;", "5.erro,1.x;",
                "-1.disconnect;", "10.disconnect", "4.sync,1.1;garbage10.disconnect;", "1234567890.x;"}) {
            assertThat(start(bad)).as(bad).isEqualTo(bad.length());
        }
    }
}
