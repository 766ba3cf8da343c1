package io.deskport.sessionhost.desktop;

import java.io.OutputStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VncPasswordTest {

    @Test
    void thePasswordFileIsWhatVncpasswdWrites() throws Exception {
        String password = VncPassword.random();
        Process p = new ProcessBuilder("vncpasswd", "-f").start();
        try (OutputStream in = p.getOutputStream()) {
            in.write((password + "\n").getBytes());
        }
        byte[] expected = p.getInputStream().readAllBytes();
        p.waitFor();

        assertThat(VncPassword.passwordFile(password)).isEqualTo(expected);
    }

    @Test
    void passwordsAreEightRandomCharacters() {
        assertThat(VncPassword.random()).hasSize(8).isNotEqualTo(VncPassword.random());
    }
}
