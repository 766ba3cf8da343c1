package io.deskport.broker.identity;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.DatabaseOutages;
import io.deskport.broker.tenancy.UserDirectory;

/**
 * Sign-ins in the audit trail: {@code SIGNED_IN}, {@code SIGN_IN_FAILED}, {@code SIGN_IN_LOCKED_OUT} and
 * {@code SIGNED_OUT}, each with the tenant, the user (as typed, for failures) and the client address. A
 * failure for an account that does not exist is recorded without a tenant (visible to platform admins).
 * Written in a short transaction of its own, after the sign-in's answer is decided.
 */
@Component
class SignInAudit {

    private static final Logger log = LoggerFactory.getLogger(SignInAudit.class);

    private final ApplicationEventPublisher events;
    private final TransactionTemplate tx;
    private final UserDirectory directory;

    SignInAudit(ApplicationEventPublisher events, PlatformTransactionManager txManager, UserDirectory directory) {
        this.events = events;
        this.tx = new TransactionTemplate(txManager);
        this.directory = directory;
    }

    void signedIn(CurrentUser user, String tenantSlug, String address) {
        record(user.tenantId(), user.userId(), user.username(), "SIGNED_IN", tenantSlug, address);
    }

    /** A sign-in to the portal through the identity provider (Keycloak): {@code via: identity-provider}. */
    void signedInAtProvider(CurrentUser user, String tenantSlug, String address) {
        record(user.tenantId(), user.userId(), user.username(), "SIGNED_IN", tenantSlug, address,
                Map.of("via", "identity-provider"));
    }

    /**
     * A sign-in through the identity provider that Deskport refused, or that failed there: the organization and the
     * person when Keycloak's token named them, and the refusal's code.
     */
    void failedAtProvider(String organization, String username, String code, String address) {
        var account = organization == null || username == null ? java.util.Optional.<UserDirectory.Account>empty()
                : directory.findAccount(organization, username);
        record(account.map(UserDirectory.Account::tenantId).orElse(null), account.map(UserDirectory.Account::userId)
                .orElse(null), username == null ? "-" : username, "SIGN_IN_FAILED", organization, address,
                Map.of("via", "identity-provider", "refusal", code));
    }

    void signedOut(CurrentUser user, String address) {
        record(user.tenantId(), user.userId(), user.username(), "SIGNED_OUT", null, address);
    }

    /** A refused sign-in: a wrong password, or {@code lockedOut} when it locked the account or address. */
    void failed(String tenantSlug, String username, String address, boolean lockedOut) {
        var account = directory.findAccount(tenantSlug, username);
        record(account.map(UserDirectory.Account::tenantId).orElse(null), account.map(UserDirectory.Account::userId)
                .orElse(null), username, lockedOut ? "SIGN_IN_LOCKED_OUT" : "SIGN_IN_FAILED", tenantSlug, address);
    }

    private void record(UUID tenantId, UUID userId, String username, String action, String tenantSlug, String address) {
        record(tenantId, userId, username, action, tenantSlug, address, Map.of());
    }

    private void record(UUID tenantId, UUID userId, String username, String action, String tenantSlug, String address,
                        Map<String, String> more) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (tenantSlug != null) {
            details.put("tenant", tenantSlug);
        }
        details.put("username", username);
        details.put("clientAddress", address);
        details.putAll(more);
        CurrentUser actor = new CurrentUser(userId, tenantId, username, Set.of());
        try {
            tx.executeWithoutResult(s -> events.publishEvent(new AdminActionPerformed(tenantId, actor, action, "USER",
                    userId == null ? null : userId.toString(), details)));
        } catch (RuntimeException e) {
            // the sign-in's answer does not depend on its audit line
            log.warn("Could not record {} of user {} in the audit trail ({})", action, username, DatabaseOutages.rootMessage(e));
        }
    }
}
