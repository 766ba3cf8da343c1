package io.deskport.sessionhost.desktop;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The marks X servers leave, in a folder of the test's own (not the machine's /tmp). */
class XDisplaysTest {

    @TempDir
    Path tmp;

    XDisplays displays;

    @BeforeEach
    void setUp() throws IOException {
        Files.createDirectories(tmp.resolve(".X11-unix"));
        displays = new XDisplays(tmp);
    }

    @Test
    void aDisplayWithoutMarksIsFree() {
        assertThat(displays.free(7)).isTrue();
    }

    @Test
    void theLeftoversOfAnXServerThatIsGoneAreRemovedAndTheDisplayIsFree() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(tmp.resolve(".X7-lock"), String.format("%10d%n", gone.pid()));
        Files.createFile(tmp.resolve(".X11-unix/X7"));
        Files.createFile(tmp.resolve("server-7.xkm"));

        assertThat(displays.free(7)).isTrue();
        assertThat(tmp.resolve(".X7-lock")).doesNotExist();
        assertThat(tmp.resolve(".X11-unix/X7")).doesNotExist();
        assertThat(tmp.resolve("server-7.xkm")).as("its keymap, another account's file").doesNotExist();
    }

    @Test
    void aLockOfALiveProcessThatIsNoXServerIsLeftOverToo() throws Exception {
        // the dead server's pid now belongs to something else: this JVM
        Files.writeString(tmp.resolve(".X8-lock"), String.format("%10d%n", ProcessHandle.current().pid()));

        assertThat(displays.free(8)).isTrue();
        assertThat(tmp.resolve(".X8-lock")).doesNotExist();
    }

    @Test
    void aLiveXServersDisplayIsTaken() throws Exception {
        // a process whose name starts as an X server's does (Xvnc, Xorg, Xvfb)
        Path fakeX = tmp.resolve("Xfake");
        Files.copy(Path.of("/bin/sleep"), fakeX);
        fakeX.toFile().setExecutable(true);
        Process x = new ProcessBuilder(fakeX.toString(), "30").start();
        try {
            Files.writeString(tmp.resolve(".X9-lock"), String.format("%10d%n", x.pid()));
            Files.createFile(tmp.resolve("server-9.xkm"));
            assertThat(displays.free(9)).isFalse();
            assertThat(tmp.resolve(".X9-lock")).exists();
            assertThat(tmp.resolve("server-9.xkm")).exists();
        } finally {
            x.destroyForcibly().waitFor();
        }
    }

    @Test
    void aSocketSomebodyAnswersOnIsTakenEvenWithoutALock() throws Exception {
        Path socket = tmp.resolve(".X11-unix/X10");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            assertThat(displays.free(10)).isFalse();
            assertThat(socket).exists();
        }
        // nobody listens on it any more: a leftover
        assertThat(displays.free(10)).isTrue();
        assertThat(socket).doesNotExist();
    }
}
