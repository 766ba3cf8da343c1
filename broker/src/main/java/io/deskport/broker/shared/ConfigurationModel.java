package io.deskport.broker.shared;

import jakarta.persistence.EntityManagerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.orm.jpa.JpaTransactionManager;

/**
 * The configuration model's transactions: Spring's JPA transaction manager, beside the broker's own JDBC
 * one ({@link WritesWithCommit}, the primary {@code transactionManager}, which Spring Boot's JPA
 * auto-configuration leaves in place). See {@link ConfigurationTransactional}.
 */
@Configuration(proxyBeanMethods = false)
public class ConfigurationModel {

    /** The bean name of the configuration model's transaction manager. */
    public static final String TRANSACTION_MANAGER = "configurationTransactionManager";

    @Bean(TRANSACTION_MANAGER)
    JpaTransactionManager configurationTransactionManager(EntityManagerFactory entityManagerFactory) {
        return new JpaTransactionManager(entityManagerFactory);
    }
}
