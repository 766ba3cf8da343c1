package io.deskport.broker.shared;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 with one key, for the broker's own signed tokens. Each call works on a clone of one
 * initialised {@link Mac} (a provider lookup and key set-up per call cost more than the MAC itself, and
 * request threads are virtual, so per-thread caches would not last beyond one request).
 */
public final class HmacSha256 {

    private final Mac prototype;

    public HmacSha256(byte[] key) {
        try {
            prototype = Mac.getInstance("HmacSHA256");
            prototype.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** @return the MAC of {@code data[offset, offset + length)} */
    public byte[] sign(byte[] data, int offset, int length) {
        Mac mac;
        try {
            mac = (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("HmacSHA256 cannot be cloned", e);
        }
        mac.update(data, offset, length);
        return mac.doFinal();
    }

    public byte[] sign(byte[] data) {
        return sign(data, 0, data.length);
    }

    /** @return whether {@code mac} is the MAC of {@code data}, compared in constant time */
    public boolean verify(byte[] data, int offset, int length, byte[] mac) {
        return mac != null && MessageDigest.isEqual(sign(data, offset, length), mac);
    }
}
