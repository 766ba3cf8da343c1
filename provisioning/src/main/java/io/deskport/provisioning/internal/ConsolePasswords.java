package io.deskport.provisioning.internal;

import java.security.SecureRandom;

/** Random per-desktop console passwords; 8 characters because RFB's VNC authentication uses only 8. */
public final class ConsolePasswords {

    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private ConsolePasswords() {
    }

    /** Returns a new random 8-character password. */
    public static String next() {
        char[] password = new char[8];
        for (int i = 0; i < password.length; i++) {
            password[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(password);
    }
}
