package io.deskport.broker.shared;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.function.Supplier;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Secrets and small state sealed with AES-256-GCM under one key: what {@link #seal} gives back can be stored or handed
 * out, and only {@link #open} with the same key — and the same context, e.g. the row or cookie it belongs to — reads
 * it again; a changed byte, another key or another context is refused. The sealed form is the 12-byte nonce, then the
 * ciphertext and its 16-byte tag.
 */
public final class SealedBox {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] NO_CONTEXT = new byte[0];
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Supplier<byte[]> keySource;
    private volatile SecretKeySpec key;

    private SealedBox(Supplier<byte[]> keySource) {
        this.keySource = keySource;
    }

    /** A box under the named platform key ({@link PlatformSecrets}: the same on every broker), read on first use. */
    public static SealedBox of(PlatformSecrets secrets, String keyName) {
        return new SealedBox(() -> secrets.key(keyName));
    }

    /** A box under a given 256-bit key (tests). */
    public static SealedBox withKey(byte[] key) {
        byte[] copy = key.clone();
        return new SealedBox(() -> copy);
    }

    /** Sealed data that cannot be opened: altered, sealed under another key, or for another context. */
    public static final class Unreadable extends RuntimeException {
        Unreadable(Throwable cause) {
            super("sealed data cannot be opened: altered, or sealed under another key or for another context", cause);
        }
    }

    /** @return {@code plain} sealed, bound to {@code context} (may be null: no context) */
    public byte[] seal(byte[] plain, byte[] context) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key(), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(context == null ? NO_CONTEXT : context);
            byte[] sealed = c.doFinal(plain);
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /**
     * @return what {@link #seal} sealed with the same context
     * @throws Unreadable when it was altered, or sealed under another key or for another context
     */
    public byte[] open(byte[] sealed, byte[] context) {
        if (sealed == null || sealed.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new Unreadable(null);
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key(), new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            c.updateAAD(context == null ? NO_CONTEXT : context);
            return c.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new Unreadable(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    private SecretKeySpec key() {
        SecretKeySpec k = key;
        if (k == null) {
            k = new SecretKeySpec(keySource.get(), "AES");
            key = k;
        }
        return k;
    }
}
