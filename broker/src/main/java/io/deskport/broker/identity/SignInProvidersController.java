package io.deskport.broker.identity;

import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** What the portal's sign-in page offers: local accounts, and the organisation sign-in when Keycloak is configured. */
@RestController
class SignInProvidersController {

    static final String PATH = "/api/v1/auth/providers";

    private final KeycloakProperties keycloak;

    SignInProvidersController(KeycloakProperties keycloak) {
        this.keycloak = keycloak;
    }

    /**
     * The sign-in methods.
     *
     * @param local         local accounts (organisation, username, password: {@code POST /api/v1/auth/login})
     * @param organisation  null without Keycloak; else where the browser goes to sign in through it
     */
    record Providers(boolean local, Organisation organisation) {
    }

    /**
     * Sign-in through the organisation's identity provider (Keycloak).
     *
     * @param signInUrl  the broker's address that starts it (a top-level navigation); {@code ?login_hint=} an
     *                   e-mail address lets Keycloak skip asking for it
     */
    record Organisation(String signInUrl) {
    }

    @GetMapping(PATH)
    ResponseEntity<Providers> providers() {
        Organisation organisation = keycloak.enabled() ? new Organisation(KeycloakSignInConfiguration.SIGN_IN_URL) : null;
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(new Providers(true, organisation));
    }
}
