package io.deskport.sessionhost.desktop;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * A session's random VNC password and the file Xvnc reads it from. Classic VNC authentication uses at
 * most 8 characters; the file holds them DES-encrypted with the fixed key every VNC implementation uses
 * (what {@code vncpasswd -f} writes) — an obfuscation, which is why the file is mode 0600.
 */
public final class VncPassword {

    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();
    // the well-known VNC obfuscation key {23,82,107,6,35,78,88,7} with each byte's bits reversed for DES
    private static final byte[] KEY = {(byte) 0xE8, 0x4A, (byte) 0xD6, 0x60, (byte) 0xC4, 0x72, 0x1A, (byte) 0xE0};
    private static final SecureRandom RANDOM = new SecureRandom();

    private VncPassword() {
    }

    /** @return 8 random characters (the most VNC authentication uses) */
    public static String random() {
        char[] c = new char[8];
        for (int i = 0; i < c.length; i++) {
            c[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(c);
    }

    /** @return the bytes of a VNC password file for the password */
    public static byte[] passwordFile(String password) {
        byte[] block = new byte[8];
        byte[] raw = password.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(raw, 0, block, 0, Math.min(8, raw.length));
        try {
            Cipher des = Cipher.getInstance("DES/ECB/NoPadding");
            des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY, "DES"));
            return des.doFinal(block);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("DES is not available in this JVM", e);
        }
    }
}
