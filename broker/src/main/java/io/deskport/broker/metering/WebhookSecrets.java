package io.deskport.broker.metering;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.stereotype.Component;

import io.deskport.broker.shared.PlatformSecrets;

/**
 * Webhook signing secrets: made here, shown once as {@code whsec_<base64>} (the Standard Webhooks form), and kept
 * encrypted (AES-256-GCM under the platform key {@value #KEY_NAME}), so that a copy of the subscription tables
 * alone, a log of their rows or a read of the wrong column shows no secret. (The platform key is in the same
 * database: this guards against partial leaks, not against a full copy of it.)
 */
@Component
class WebhookSecrets {

    /** What every secret's text starts with. */
    static final String PREFIX = "whsec_";
    static final String KEY_NAME = "webhook-secrets";
    /** Bytes of key in a new secret (the specification asks for 24 to 64). */
    private static final int SECRET_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final PlatformSecrets platformSecrets;
    private final SecureRandom random = new SecureRandom();
    private volatile SecretKeySpec key;

    WebhookSecrets(PlatformSecrets platformSecrets) {
        this.platformSecrets = platformSecrets;
    }

    /** @return a new signing key */
    byte[] newKey() {
        byte[] k = new byte[SECRET_BYTES];
        random.nextBytes(k);
        return k;
    }

    /** @return the key as the receiver configures it: {@code whsec_<base64>} */
    static String text(byte[] signingKey) {
        return PREFIX + Base64.getEncoder().encodeToString(signingKey);
    }

    /** @return the key encrypted for storage: nonce, then ciphertext and tag */
    byte[] seal(byte[] signingKey) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key(), new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = c.doFinal(signingKey);
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** @return the key {@link #seal} encrypted */
    byte[] open(byte[] stored) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key(), new GCMParameterSpec(TAG_BITS, stored, 0, NONCE_BYTES));
            return c.doFinal(stored, NONCE_BYTES, stored.length - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a webhook secret cannot be decrypted with the platform key " + KEY_NAME, e);
        }
    }

    private SecretKeySpec key() {
        SecretKeySpec k = key;
        if (k == null) {
            k = new SecretKeySpec(platformSecrets.key(KEY_NAME), "AES");
            key = k;
        }
        return k;
    }
}
