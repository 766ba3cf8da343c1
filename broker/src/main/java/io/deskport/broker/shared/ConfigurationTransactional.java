package io.deskport.broker.shared;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;
import org.springframework.transaction.annotation.Transactional;

/**
 * A transaction of the configuration model: Hibernate's entity manager joins it (the broker's other
 * transactions are plain JDBC, {@link WritesWithCommit}). Use it on the services of configuration aggregates
 * (tenants, users, groups, pools, hosts' registrations) and on nothing of the hot paths.
 *
 * <p>JDBC code reached from inside one (event listeners, JdbcClient reads of published views, audit lines)
 * runs on the same connection and commits with it. The other way round is refused: configuration code must
 * not be called from inside a JDBC transaction (Spring's JPA transaction manager cannot join one; it fails
 * with "Pre-bound JDBC Connection found"), which keeps Hibernate off the connect path.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Transactional(transactionManager = ConfigurationModel.TRANSACTION_MANAGER)
public @interface ConfigurationTransactional {

    /** @return whether the transaction only reads (Hibernate then neither flushes nor checks dirty state) */
    @AliasFor(annotation = Transactional.class, attribute = "readOnly")
    boolean readOnly() default false;
}
