package io.deskport.broker.identity;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Identity settings ({@code deskport.identity.*}).
 *
 * @param tokenTtl how long an access token is valid
 * @param defaultTenant the tenant used at sign-in when the client names none
 * @param secureCookie whether the token cookie is marked Secure (turn on behind HTTPS)
 */
@ConfigurationProperties("deskport.identity")
record IdentityProperties(@DefaultValue("8h") Duration tokenTtl, @DefaultValue("demo") String defaultTenant,
                          @DefaultValue("false") boolean secureCookie) {
}
