package io.deskport.gateway.rfb;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * VNC authentication (RFB security type 2): the 16-byte challenge encrypted with DES, keyed by the first
 * eight bytes of the password with the bits of each byte reversed (a historical quirk of the original
 * VNC implementation).
 */
final class VncAuthentication {

    private VncAuthentication() {
    }

    /** @return the 16-byte response to {@code challenge} for {@code password} */
    static byte[] respond(byte[] challenge, String password) throws RfbException {
        byte[] key = new byte[8];
        byte[] raw = password.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < 8 && i < raw.length; i++) {
            key[i] = (byte) (Integer.reverse(raw[i] & 0xff) >>> 24);
        }
        try {
            Cipher des = Cipher.getInstance("DES/ECB/NoPadding");
            des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "DES"));
            return des.doFinal(challenge, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new RfbException(RfbException.Kind.UNSUPPORTED, "DES is not available in this JVM", e);
        }
    }
}
