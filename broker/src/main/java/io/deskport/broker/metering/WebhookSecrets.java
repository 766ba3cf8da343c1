package io.deskport.broker.metering;

import java.security.SecureRandom;
import java.util.Base64;

import org.springframework.stereotype.Component;

import io.deskport.broker.shared.PlatformSecrets;
import io.deskport.broker.shared.SealedBox;

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

    private final SealedBox box;
    private final SecureRandom random = new SecureRandom();

    WebhookSecrets(PlatformSecrets platformSecrets) {
        this.box = SealedBox.of(platformSecrets, KEY_NAME);
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
        return box.seal(signingKey, null);
    }

    /** @return the key {@link #seal} encrypted */
    byte[] open(byte[] stored) {
        try {
            return box.open(stored, null);
        } catch (SealedBox.Unreadable e) {
            throw new IllegalStateException("a webhook secret cannot be decrypted with the platform key " + KEY_NAME, e);
        }
    }
}
