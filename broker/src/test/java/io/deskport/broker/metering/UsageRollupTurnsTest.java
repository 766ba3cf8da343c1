package io.deskport.broker.metering;

import java.sql.Timestamp;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.deskport.broker.BrokerTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every replica schedules a roll-up pass each interval, but a pass is made about once an interval whoever makes it: a
 * replica whose turn comes less than nine tenths of the interval after the last pass (its own or another's) skips it.
 */
@BrokerTest
class UsageRollupTurnsTest {

    @Autowired
    UsageRollups rollups;
    @Autowired
    MeteringProperties properties;
    @Autowired
    JdbcClient jdbc;

    private Timestamp rolledUntil() {
        return jdbc.sql("select rolled_until from usage_rollup_state where id = 1").query(Timestamp.class).single();
    }

    private void lastPassAgo(Duration ago) {
        jdbc.sql("update usage_rollup_state set rolled_until = now() - ? * interval '1 millisecond' where id = 1")
                .param(ago.toMillis()).update();
    }

    @Test
    void aTurnSoonAfterAnyPassIsSkippedAndOneAfterTheIntervalPasses() {
        Duration interval = properties.rollupInterval();
        // before any pass (a new installation) a turn makes one
        jdbc.sql("update usage_rollup_state set rolled_until = null where id = 1").update();
        assertThat(rollups.passedLately()).as("no pass yet").isFalse();
        rollups.scheduled();
        assertThat(rolledUntil()).as("the first turn made a pass").isNotNull();

        rollups.rollUpNow();
        assertThat(rollups.passedLately()).as("a pass just now").isTrue();

        // another replica's pass, half an interval ago: this replica's turn now does nothing
        lastPassAgo(interval.dividedBy(2));
        Timestamp before = rolledUntil();
        rollups.scheduled();
        assertThat(rolledUntil()).as("skipped: the roll-ups stay where the other replica left them").isEqualTo(before);

        // the last pass 95 % of an interval ago: this turn makes one
        lastPassAgo(interval.multipliedBy(95).dividedBy(100));
        before = rolledUntil();
        rollups.scheduled();
        assertThat(rolledUntil()).as("a pass brought the roll-ups up to the clock").isAfter(before);
        assertThat(rollups.passedLately()).isTrue();
    }
}
