package io.deskport.broker.identity;

import java.util.Set;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;

import io.deskport.broker.shared.CurrentUser;

/**
 * Who a request comes from once its token is checked: a person ({@code scopes} null) or a service account (the
 * scopes it may use on this request: granted to the account and carried by the token).
 */
final class DeskportAuthentication extends AbstractAuthenticationToken {

    private final transient CurrentUser user;
    private final transient Jwt jwt;
    private final Set<String> scopes;

    DeskportAuthentication(CurrentUser user, Jwt jwt, Set<String> scopes) {
        super(user.roles().stream().map(r -> new SimpleGrantedAuthority("ROLE_" + r.name())).toList());
        this.user = user;
        this.jwt = jwt;
        this.scopes = scopes == null ? null : Set.copyOf(scopes);
        setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
        return jwt;
    }

    @Override
    public Object getPrincipal() {
        return user;
    }

    CurrentUser user() {
        return user;
    }

    Jwt jwt() {
        return jwt;
    }

    boolean serviceAccount() {
        return scopes != null;
    }

    Set<String> scopes() {
        return scopes;
    }
}
