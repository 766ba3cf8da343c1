package io.deskport.provisioning.driver;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Untyped settings of one driver instance as the broker reads them from its configuration
 * (e.g. {@code deskport.hypervisors[0].settings.*}). Each driver turns them into its own typed
 * record and rejects bad values with {@link DriverFailureReason#CONFIGURATION}.
 *
 * @param instanceId name of this driver instance in the broker (e.g. {@code rack-1}); also the
 *                   default host id of single-host drivers
 * @param settings   driver-specific key/value settings
 */
public record DriverConfig(String instanceId, Map<String, String> settings) {

    public DriverConfig {
        Objects.requireNonNull(instanceId, "instanceId");
        settings = Map.copyOf(settings == null ? Map.of() : settings);
    }

    /** Returns a setting, if present and not blank. */
    public Optional<String> get(String key) {
        return Optional.ofNullable(settings.get(key)).filter(v -> !v.isBlank());
    }

    /** Returns a setting or its default. */
    public String get(String key, String defaultValue) {
        return get(key).orElse(defaultValue);
    }

    /** Returns an integer setting or its default. */
    public int getInt(String key, int defaultValue) {
        return get(key).map(v -> parse(key, v, Integer::parseInt)).orElse(defaultValue);
    }

    /** Returns a long setting or its default. */
    public long getLong(String key, long defaultValue) {
        return get(key).map(v -> parse(key, v, Long::parseLong)).orElse(defaultValue);
    }

    /** Returns a decimal setting or its default. */
    public double getDouble(String key, double defaultValue) {
        return get(key).map(v -> parse(key, v, Double::parseDouble)).orElse(defaultValue);
    }

    /** Returns a duration setting ({@code 250ms}, {@code 5s}, {@code 2m} or ISO-8601) or its default. */
    public Duration getDuration(String key, Duration defaultValue) {
        return get(key).map(v -> parse(key, v, DriverConfig::parseDuration)).orElse(defaultValue);
    }

    private static Duration parseDuration(String v) {
        String s = v.trim().toLowerCase();
        if (s.startsWith("p")) {
            return Duration.parse(v.trim().toUpperCase());
        }
        if (s.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
        }
        if (s.endsWith("s")) {
            return Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
        }
        if (s.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
        }
        return Duration.ofMillis(Long.parseLong(s));
    }

    private <T> T parse(String key, String value, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (RuntimeException e) {
            throw new DriverException(DriverFailureReason.CONFIGURATION,
                    "driver instance " + instanceId + ": setting " + key + " has an invalid value '" + value + "'", e);
        }
    }
}
