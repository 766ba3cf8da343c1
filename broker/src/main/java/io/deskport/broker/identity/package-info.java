/**
 * Who is calling: sign-in through an {@link io.deskport.broker.identity.IdentityProvider} (local accounts
 * now, Keycloak later), the broker's own signed access tokens, and the HTTP security rules (which roles
 * reach which API).
 */
@ApplicationModule(displayName = "Identity", allowedDependencies = {"shared", "tenancy"})
@Tables(owns = {"token_revocation"})
package io.deskport.broker.identity;

import org.springframework.modulith.ApplicationModule;

import io.deskport.broker.shared.Tables;
