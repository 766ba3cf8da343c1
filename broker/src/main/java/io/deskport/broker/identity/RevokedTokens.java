package io.deskport.broker.identity;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import io.deskport.broker.shared.CallerTransaction;
import io.deskport.broker.shared.DatabaseOutages;
import io.deskport.broker.tenancy.UserAccessChanged;

/**
 * Access tokens that no longer count: signed out (one token), or every token of a user issued before
 * they were disabled, demoted, removed or had their password reset. The revocations are rows of
 * {@code token_revocation}, written in the transaction of the change; every broker keeps them in memory
 * and reads the recent ones every {@link #REFRESH} — so a token is refused by every replica within about
 * a second of its revocation, and checking a token on a request costs two hash lookups, no database read
 * (the connect path stays three round trips).
 *
 * <p>The recent rows are read again over a window ({@link #OVERLAP}) rather than after the last id seen:
 * ids are handed out in the order transactions start, not the order they commit, and a reader that only
 * looked past the last id could miss a revocation that committed late.
 */
@Component
class RevokedTokens {

    private static final Logger log = LoggerFactory.getLogger(RevokedTokens.class);
    static final Duration REFRESH = Duration.ofSeconds(1);
    private static final Duration OVERLAP = Duration.ofSeconds(60);

    private final JdbcClient jdbc;
    private final IdentityProperties properties;
    /** token id → when the token expires anyway. */
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    /** user → tokens issued at or before this instant are void. */
    private final Map<UUID, Instant> users = new ConcurrentHashMap<>();
    /** sign-in session at the identity provider ({@code sid}) → when its tokens expire anyway. */
    private final Map<String, Instant> sessions = new ConcurrentHashMap<>();
    private volatile Instant readUpTo = Instant.EPOCH;

    RevokedTokens(JdbcClient jdbc, IdentityProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    /** True when the token was signed out, or issued before its user's access changed. */
    boolean isRevoked(UUID userId, String tokenId, Instant issuedAt) {
        return isRevoked(userId, tokenId, issuedAt, null);
    }

    /** ... or belongs to a sign-in session ended at the identity provider. */
    boolean isRevoked(UUID userId, String tokenId, Instant issuedAt, String sessionId) {
        if (tokenId != null && tokens.containsKey(tokenId)) {
            return true;
        }
        if (sessionId != null && !sessions.isEmpty() && sessions.containsKey(sessionId)) {
            return true;
        }
        Instant notBefore = users.get(userId);
        return notBefore != null && (issuedAt == null || !issuedAt.isAfter(notBefore));
    }

    /** True when the user's access changed (a revocation of all their tokens) after {@code since}. */
    boolean userChangedSince(UUID userId, Instant since) {
        Instant notBefore = users.get(userId);
        return notBefore != null && notBefore.isAfter(since);
    }

    /**
     * Ends a sign-in session of the identity provider: every token carrying its {@code sid} stops counting, on
     * this broker at once, on the others within {@link #REFRESH}. The user may be unknown (null).
     */
    void revokeSession(UUID tenantId, UUID userId, String sessionId, Instant expiresAt, String why) {
        jdbc.sql("insert into token_revocation (tenant_id, user_id, session_id, expires_at, reason) values (?, ?, ?, ?, ?)")
                .params(tenantId, userId, sessionId, java.sql.Timestamp.from(expiresAt), why).update();
        sessions.merge(sessionId, expiresAt, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** Signs one token out (the caller's transaction, or a statement of its own). */
    void revokeToken(UUID tenantId, UUID userId, String tokenId, Instant expiresAt) {
        jdbc.sql("insert into token_revocation (tenant_id, user_id, token_id, expires_at, reason) values (?, ?, ?, ?, 'SIGNED_OUT')")
                .params(tenantId, userId, tokenId, java.sql.Timestamp.from(expiresAt)).update();
        tokens.put(tokenId, expiresAt);
    }

    /** A user's access changed: every token issued so far is void, on this broker at once, on the others shortly. */
    @EventListener
    void on(UserAccessChanged e) {
        CallerTransaction.require();
        if (BackChannelLogout.WHY.equals(e.why())) {
            // the provider's session ended: its tokens are void by their sid (revokeSession), and a sign-in a moment
            // later must work (the provider's iat is in whole seconds: a revocation of every token up to now would
            // void a token issued in the same second after it)
            return;
        }
        // tokens carry their issue time to the millisecond (AccessTokens.ISSUED_MILLIS)
        revokeUser(e.tenantId(), e.userId(), Instant.now(), e.why());
    }

    /**
     * Voids every token of a user issued at or before {@code notBefore}, in the caller's transaction (in memory once
     * it commits).
     */
    void revokeUser(UUID tenantId, UUID userId, Instant notBefore, String why) {
        CallerTransaction.require();
        jdbc.sql("insert into token_revocation (tenant_id, user_id, not_before, expires_at, reason) values (?, ?, ?, ?, ?)")
                .params(tenantId, userId, java.sql.Timestamp.from(notBefore),
                        java.sql.Timestamp.from(notBefore.plus(properties.tokenTtl()).plusSeconds(1)), why)
                .update();
        // in memory once it is committed (a change that rolls back revokes nothing)
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                users.merge(userId, notBefore, (a, b) -> a.isAfter(b) ? a : b);
            }
        });
        log.info("Access tokens of user {} issued up to {} revoked ({})", userId, notBefore, why);
    }

    /** Reads the revocations written since the last look (by any broker); every broker runs it. */
    @Scheduled(fixedDelay = 1000, initialDelay = 0)
    void refresh() {
        Instant since = readUpTo.equals(Instant.EPOCH) ? Instant.EPOCH : readUpTo.minus(OVERLAP);
        try {
            Instant now = jdbc.sql("select now()").query(java.sql.Timestamp.class).single().toInstant();
            jdbc.sql("select user_id, token_id, not_before, expires_at, session_id from token_revocation "
                            + "where created_at >= ? and expires_at > now()")
                    .param(java.sql.Timestamp.from(since))
                    .query(rs -> {
                        String tokenId = rs.getString(2);
                        String sessionId = rs.getString(5);
                        if (tokenId != null) {
                            tokens.put(tokenId, rs.getTimestamp(4).toInstant());
                        } else if (sessionId != null) {
                            sessions.merge(sessionId, rs.getTimestamp(4).toInstant(), (a, b) -> a.isAfter(b) ? a : b);
                        } else {
                            users.merge(rs.getObject(1, UUID.class), rs.getTimestamp(3).toInstant(),
                                    (a, b) -> a.isAfter(b) ? a : b);
                        }
                    });
            readUpTo = now;
            forgetExpired(now);
        } catch (RuntimeException e) {
            log.warn("Could not read token revocations ({}); trying again in {}", DatabaseOutages.rootMessage(e), REFRESH);
        }
    }

    private void forgetExpired(Instant now) {
        tokens.values().removeIf(expires -> expires.isBefore(now));
        sessions.values().removeIf(expires -> expires.isBefore(now));
        // a user's entry matters while tokens issued before it can still be valid
        users.values().removeIf(notBefore -> notBefore.plus(properties.tokenTtl()).plusSeconds(1).isBefore(now));
    }

    /** Drops rows no token they concern can outlive; every broker may run it, it is idempotent. */
    @Scheduled(fixedDelay = 3_600_000, initialDelay = 600_000)
    void prune() {
        try {
            jdbc.sql("delete from token_revocation where expires_at < now() - interval '1 hour'").update();
        } catch (RuntimeException e) {
            log.debug("Pruning token revocations failed: {}", e.getMessage());
        }
    }
}
