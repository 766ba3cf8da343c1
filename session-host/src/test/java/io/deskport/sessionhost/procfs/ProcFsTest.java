package io.deskport.sessionhost.procfs;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class ProcFsTest {

    @Test
    void aStatFilesFieldsStartAfterTheCommandNameWhateverItHolds(@TempDir Path dir) throws Exception {
        Path stat = dir.resolve("stat");
        Files.writeString(stat, "4242 (a (b) c) Z 1 4242 4242 0 -1 4194560 96 0 0 0 17 5 0 0 20 0 1 0\n");

        String[] f = ProcFs.statFields(stat);

        assertThat(f[0]).isEqualTo("Z");
        assertThat(f[11]).isEqualTo("17");
        assertThat(f[12]).isEqualTo("5");
    }

    @Test
    void thisProcessRunsAsItsOwnAccountAndAFinishedOneNoLonger() throws Exception {
        long self = ProcessHandle.current().pid();
        assertThat(ProcFs.running(self)).isTrue();
        assertThat(ProcFs.uidOf(self)).isEqualTo(ProcFs.selfUid());
        assertThat(ProcFs.runsAsRoot()).isEqualTo(ProcFs.selfUid() == 0);

        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        assertThat(ProcFs.running(p.pid())).isFalse();
        assertThat(ProcFs.uidOf(p.pid())).isEqualTo(-1);
    }
}
