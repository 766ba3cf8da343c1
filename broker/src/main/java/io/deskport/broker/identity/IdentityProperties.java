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
 * @param signInFreeFailures wrong passwords for one account before it is locked for a moment (1 s, doubling)
 * @param signInMaxAccountLock the longest one account is locked: an attacker cannot lock a real user out longer
 * @param signInFreeFailuresPerAddress wrong passwords from one client address (any accounts) before it is locked
 * @param signInMaxAddressLock the longest one client address is locked (10 s, doubling)
 * @param passwordHashStrength BCrypt's cost for local passwords (4–31); benchmarks that create thousands of
 *                             users lower it
 * @param passwordMinLength the fewest characters a local password may have (at most 200); a password also may not
 *                          contain the username nor be trivially weak ({@link LocalPasswordPolicy})
 */
@ConfigurationProperties("deskport.identity")
record IdentityProperties(@DefaultValue("8h") Duration tokenTtl, @DefaultValue("demo") String defaultTenant,
                          @DefaultValue("false") boolean secureCookie,
                          @DefaultValue("5") int signInFreeFailures,
                          @DefaultValue("60s") Duration signInMaxAccountLock,
                          @DefaultValue("20") int signInFreeFailuresPerAddress,
                          @DefaultValue("15m") Duration signInMaxAddressLock,
                          @DefaultValue("10") int passwordHashStrength,
                          @DefaultValue("12") int passwordMinLength) {

    IdentityProperties {
        if (passwordHashStrength < 4 || passwordHashStrength > 31) {
            throw new IllegalArgumentException("deskport.identity.password-hash-strength must be 4–31, not "
                    + passwordHashStrength);
        }
        if (passwordMinLength < 1 || passwordMinLength > LocalPasswordPolicy.MAX_LENGTH) {
            throw new IllegalArgumentException("deskport.identity.password-min-length must be 1–"
                    + LocalPasswordPolicy.MAX_LENGTH + ", not " + passwordMinLength);
        }
    }
}
