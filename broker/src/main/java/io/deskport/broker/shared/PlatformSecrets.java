package io.deskport.broker.shared;

import java.security.SecureRandom;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The platform's signing keys ({@code platform_secret}): each generated once, by whichever broker asks first,
 * and the same for every replica from then on.
 */
@Component
public class PlatformSecrets {

    private static final int KEY_BYTES = 32;

    private final JdbcClient jdbc;
    private final SecureRandom random = new SecureRandom();

    PlatformSecrets(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** @return the named 256-bit key, generated now when no broker has yet */
    public byte[] key(String name) {
        byte[] fresh = new byte[KEY_BYTES];
        random.nextBytes(fresh);
        jdbc.sql("insert into platform_secret (name, value) values (?, ?) on conflict (name) do nothing")
                .params(name, fresh).update();
        return jdbc.sql("select value from platform_secret where name = ?").param(name).query(byte[].class).single();
    }
}
