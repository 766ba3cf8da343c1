package io.deskport.broker.provisioning;

import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import io.deskport.provisioning.driver.DriverFailureReason;
import io.deskport.provisioning.planner.ActionType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The provisioning tasks this broker ran: {@code deskport.provisioning.task} (a timer with a histogram, tags
 * {@code type} = CREATE | START | STOP | REFRESH | REPLACE | DELETE and {@code outcome} = SUCCEEDED | FAILED — one
 * attempt each; a failed attempt may be retried) and {@code deskport.provisioning.task.failures} (tags {@code type} and
 * {@code reason}: the driver's failure reason, or INTERNAL_ERROR).
 */
@Component
class TaskMeters {

    static final String TASK = "deskport.provisioning.task";
    static final String FAILURES = "deskport.provisioning.task.failures";
    static final String INTERNAL_ERROR = "INTERNAL_ERROR";

    private final Map<ActionType, Timer> succeeded = new EnumMap<>(ActionType.class);
    private final Map<ActionType, Timer> failed = new EnumMap<>(ActionType.class);
    private final Map<ActionType, Map<String, Counter>> failures = new EnumMap<>(ActionType.class);

    TaskMeters(ObjectProvider<MeterRegistry> registries) {
        MeterRegistry registry = registries.getIfAvailable(SimpleMeterRegistry::new);
        for (ActionType type : ActionType.values()) {
            succeeded.put(type, timer(registry, type, "SUCCEEDED"));
            failed.put(type, timer(registry, type, "FAILED"));
            Map<String, Counter> byReason = new HashMap<>();
            for (DriverFailureReason reason : DriverFailureReason.values()) {
                byReason.put(reason.name(), counter(registry, type, reason.name()));
            }
            byReason.put(INTERNAL_ERROR, counter(registry, type, INTERNAL_ERROR));
            failures.put(type, byReason);
        }
    }

    private static Timer timer(MeterRegistry registry, ActionType type, String outcome) {
        return Timer.builder(TASK).description("Provisioning task attempts run by this broker")
                .tag("type", type.name()).tag("outcome", outcome)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
    }

    private static Counter counter(MeterRegistry registry, ActionType type, String reason) {
        return Counter.builder(FAILURES).description("Failed provisioning task attempts, by the failure's reason")
                .tag("type", type.name()).tag("reason", reason).register(registry);
    }

    void succeeded(ActionType type, long nanos) {
        succeeded.get(type).record(nanos, TimeUnit.NANOSECONDS);
    }

    void failed(ActionType type, String reason, long nanos) {
        failed.get(type).record(nanos, TimeUnit.NANOSECONDS);
        failures.get(type).getOrDefault(reason, failures.get(type).get(INTERNAL_ERROR)).increment();
    }
}
