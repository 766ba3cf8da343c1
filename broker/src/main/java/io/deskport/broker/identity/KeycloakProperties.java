package io.deskport.broker.identity;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Keycloak as the identity broker ({@code deskport.identity.keycloak.*}). Without {@code url}, Deskport has local
 * accounts only (the embedded default).
 *
 * @param url Keycloak's base address as the broker reaches it, e.g. {@code http://localhost:18080}; empty: off
 * @param publicUrl Keycloak's base address as browsers reach it (the sign-in page); empty: {@code url}
 * @param realm the platform realm: one organization per tenant
 * @param clientId the broker's confidential client in every realm it uses: the portal signs in with it, and the
 *                 API accepts tokens whose audience names it
 * @param clientSecret that client's secret in the platform realm
 * @param adminRealm the realm of the account the broker manages Keycloak with (organizations, realms, clients)
 * @param adminClientId the client the broker manages Keycloak with (client credentials; needs the realm admin role)
 * @param adminClientSecret its secret
 * @param adminEventsInterval how often one broker reads each realm's admin events (users disabled or removed in
 *                            Keycloak lose access and their desktop sessions)
 */
@ConfigurationProperties("deskport.identity.keycloak")
record KeycloakProperties(@DefaultValue("") String url, @DefaultValue("") String publicUrl,
                          @DefaultValue("deskport") String realm, @DefaultValue("deskport") String clientId,
                          @DefaultValue("") String clientSecret, @DefaultValue("master") String adminRealm,
                          @DefaultValue("") String adminClientId, @DefaultValue("") String adminClientSecret,
                          @DefaultValue("2s") Duration adminEventsInterval) {

    boolean enabled() {
        return !url.isBlank();
    }

    /** The platform realm's issuer ({@code iss} of its tokens). */
    String issuer() {
        return issuer(realm);
    }

    String issuer(String realmName) {
        return stripSlash(url) + "/realms/" + realmName;
    }

    /** Where browsers are sent to sign in. */
    String browserBase() {
        return stripSlash(publicUrl.isBlank() ? url : publicUrl);
    }


    /** {@code s} without a trailing slash. */
    static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
