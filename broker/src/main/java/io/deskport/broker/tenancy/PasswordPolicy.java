package io.deskport.broker.tenancy;

import java.util.List;
import java.util.Map;

import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;

/**
 * What a local account's password must be, checked wherever one is set (a new user, an admin's reset, the user's
 * own change, an import). The rules are identity's (it implements this, as it provides the password hashing);
 * tenancy only asks.
 */
public interface PasswordPolicy {

    /**
     * @param username the account's username (a password may not contain it)
     * @return what is wrong with the password, one sentence each ({@code "must be at least 12 characters"}); empty
     *         when it may be used
     */
    List<String> violations(String username, String password);

    /**
     * @param field the request member that carried the password, named in the field errors
     * @throws ProblemException VALIDATION_FAILED with one field error per violation
     */
    default void check(String field, String username, String password) {
        List<String> violations = violations(username, password);
        if (!violations.isEmpty()) {
            throw new ProblemException(Reason.VALIDATION_FAILED, field + ": " + String.join("; ", violations),
                    Map.of("errors", violations.stream().map(v -> Map.of("field", field, "message", v)).toList()));
        }
    }
}
