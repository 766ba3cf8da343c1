package io.deskport.broker.database;

import java.sql.Connection;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.zaxxer.hikari.HikariDataSource;

import io.deskport.broker.BrokerTest;

import static org.assertj.core.api.Assertions.assertThat;

/** The broker's connection pool makes its connections through {@link DatabaseReturns.Patient}. */
@BrokerTest
class BrokerPoolConnectsPatientlyTest {

    @Autowired
    DataSource dataSource;

    @Test
    void theBrokersPoolGetsItsConnectionsThroughThePatientSource() throws Exception {
        HikariDataSource pool = dataSource.unwrap(HikariDataSource.class);
        assertThat(pool.getDataSource()).isInstanceOf(DatabaseReturns.Patient.class);
        try (Connection c = dataSource.getConnection()) {
            assertThat(c.isValid(5)).isTrue();
        }
    }
}
