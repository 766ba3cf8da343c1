package io.deskport.broker.identity;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.deskport.broker.tenancy.UserDirectory;

/** Local accounts: BCrypt password hashes kept by the tenancy module. */
@Component
class LocalIdentityProvider implements IdentityProvider {

    private static final Logger log = LoggerFactory.getLogger(LocalIdentityProvider.class);

    private final UserDirectory directory;
    private final PasswordEncoder passwords;
    private final String dummyHash;

    LocalIdentityProvider(UserDirectory directory, PasswordEncoder passwords) {
        this.directory = directory;
        this.passwords = passwords;
        this.dummyHash = passwords.encode("not-a-password-of-anyone");
    }

    @Override
    public String id() {
        return "local";
    }

    @Override
    public CurrentUser authenticate(String tenant, String username, String password) {
        var account = directory.findAccount(tenant, username);
        // the hash is checked even for unknown accounts, so timing does not reveal which exist
        boolean matches = passwords.matches(password, account.map(UserDirectory.Account::passwordHash)
                .filter(h -> h != null).orElse(dummyHash));
        if (account.isEmpty() || !matches || !account.get().enabled() || account.get().passwordHash() == null) {
            log.info("Sign-in refused for user '{}' of tenant '{}'", username, tenant);
            throw new ProblemException(Reason.BAD_CREDENTIALS, "Wrong tenant, username or password");
        }
        var a = account.get();
        return new CurrentUser(a.userId(), a.tenantId(), a.username(), a.roles());
    }
}
