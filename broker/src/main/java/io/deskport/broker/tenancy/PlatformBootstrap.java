package io.deskport.broker.tenancy;

import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.ConfigurationModel;
import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.Role;

/**
 * Creates the platform tenant and its {@code operator} (PLATFORM_ADMIN) on first start when
 * {@code deskport.bootstrap.operator-password} is set — for automated installations (Helm, CI,
 * benchmarks) that must not depend on a password printed to a log.
 */
@Component
class PlatformBootstrap {

    private static final Logger log = LoggerFactory.getLogger(PlatformBootstrap.class);
    static final String PLATFORM_TENANT = "platform";
    private static final CurrentUser SETUP = new CurrentUser(null, null, "bootstrap", Set.of(Role.PLATFORM_ADMIN));
    private static final long LOCK = 0x6465736b706f7274L; // shared with the demo data

    private final String password;
    private final TransactionTemplate tx;
    private final JdbcClient jdbc;
    private final Tenants tenants;
    private final Users users;

    PlatformBootstrap(BootstrapProperties properties, @Qualifier(ConfigurationModel.TRANSACTION_MANAGER) PlatformTransactionManager txManager, JdbcClient jdbc,
                      Tenants tenants, Users users) {
        this.password = properties.operatorPassword() == null ? "" : properties.operatorPassword();
        this.tx = new TransactionTemplate(txManager);
        this.jdbc = jdbc;
        this.tenants = tenants;
        this.users = users;
    }

    @EventListener(ApplicationReadyEvent.class)
    @Order(0)
    void createOperator() {
        if (password.isBlank()) {
            return;
        }
        if (password.length() < 12) {
            throw new IllegalStateException("deskport.bootstrap.operator-password must have at least 12 characters");
        }
        tx.executeWithoutResult(status -> {
            jdbc.sql("select pg_advisory_xact_lock(?)").param(LOCK).query(Object.class).single();
            if (tenants.findBySlug(PLATFORM_TENANT).isPresent()) {
                return;
            }
            Tenant platform = tenants.create(SETUP, new Tenants.NewTenant(PLATFORM_TENANT, "Platform operations", 10, 10)).body();
            users.create(new AdminContext(SETUP, platform.id()),
                    new Users.NewUser("operator", "Platform operator", null, password, Set.of(Role.PLATFORM_ADMIN)));
            log.info("Created the platform tenant and its operator from deskport.bootstrap.operator-password");
        });
    }
}
