/**
 * Who is calling: sign-in through an {@link io.deskport.broker.identity.IdentityProvider} (local accounts
 * now, Keycloak later), the broker's own signed access tokens, and the HTTP security rules (which roles
 * reach which API). Public face for answers that outlive their request's check (the dashboard's event stream):
 * {@link io.deskport.broker.identity.CallerCredentials}, whether the caller's token still counts.
 */
@ApplicationModule(displayName = "Identity", allowedDependencies = {"shared", "tenancy"})
@Tables(owns = {"token_revocation", "identity_organization", "identity_issuer", "external_identity", "oidc_sign_in",
        "identity_watch",
        "service_account", "identity_onboarding"})
package io.deskport.broker.identity;

import org.springframework.modulith.ApplicationModule;

import io.deskport.broker.shared.Tables;
