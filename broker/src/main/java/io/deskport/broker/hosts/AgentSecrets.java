package io.deskport.broker.hosts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;

/**
 * The secrets of agent enrolment: one-time enrolment tokens ({@code dpe.<random>}) and per-host
 * credentials ({@code dpa.<hostId>.<random>}), 256 random bits each. Only their SHA-256 is stored:
 * a fast hash is enough for secrets with that much entropy, and a database leak yields nothing usable.
 */
final class AgentSecrets {

    static final String TOKEN_PREFIX = "dpe.";
    static final String CREDENTIAL_PREFIX = "dpa.";
    private static final SecureRandom RANDOM = new SecureRandom();

    private AgentSecrets() {
    }

    static String newEnrolmentToken() {
        return TOKEN_PREFIX + random();
    }

    static String newCredential(UUID hostId) {
        return CREDENTIAL_PREFIX + hostId + "." + random();
    }

    /** A credential split into the host it names and its whole text (which is what is hashed). */
    record ParsedCredential(UUID hostId, String text) {
    }

    /** @return the parsed credential, or null when the text is not shaped like one */
    static ParsedCredential parseCredential(String text) {
        if (text == null || !text.startsWith(CREDENTIAL_PREFIX) || text.length() > 200) {
            return null;
        }
        String rest = text.substring(CREDENTIAL_PREFIX.length());
        int dot = rest.indexOf('.');
        if (dot != 36) {
            return null;
        }
        try {
            return new ParsedCredential(UUID.fromString(rest.substring(0, dot)), text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Constant-time comparison of a presented secret with a stored hash. */
    static boolean matches(String secret, byte[] storedHash) {
        return storedHash != null && MessageDigest.isEqual(hash(secret), storedHash);
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
