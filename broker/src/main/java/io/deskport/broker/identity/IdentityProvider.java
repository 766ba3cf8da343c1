package io.deskport.broker.identity;

import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.ProblemException;

/**
 * Checks a user's credentials. The rest of the broker only ever sees the resulting {@link CurrentUser},
 * so replacing local accounts by Keycloak touches this module alone.
 */
public interface IdentityProvider {

    /** @return a short id, e.g. {@code local} */
    String id();

    /**
     * @param tenant the tenant's slug
     * @return the authenticated user
     * @throws ProblemException BAD_CREDENTIALS for any unknown tenant, unknown user, wrong password or
     *         disabled account (the same answer for each, so accounts cannot be probed)
     */
    CurrentUser authenticate(String tenant, String username, String password);
}
