package io.deskport.provisioning.driver;

import java.util.Objects;

/**
 * A driver operation failed. {@link #reason()} is a stable code the broker stores and shows; the
 * message is for people and logs.
 */
public class DriverException extends RuntimeException {

    private final DriverFailureReason reason;

    public DriverException(DriverFailureReason reason, String message) {
        this(reason, message, null);
    }

    public DriverException(DriverFailureReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Returns the stable reason code. */
    public DriverFailureReason reason() {
        return reason;
    }

    /** True if retrying the same operation later may succeed (the broker's task journal retries these). */
    public boolean retryable() {
        return switch (reason) {
            case HOST_UNAVAILABLE, TIMEOUT, HYPERVISOR_ERROR, INSUFFICIENT_CAPACITY -> true;
            default -> false;
        };
    }
}
