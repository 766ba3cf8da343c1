package io.deskport.provisioning.driver;

/** The hypervisor host or its management daemon cannot be reached. */
public class HostUnavailableException extends DriverException {

    private final String hostId;

    public HostUnavailableException(String hostId, String message, Throwable cause) {
        super(DriverFailureReason.HOST_UNAVAILABLE, message, cause);
        this.hostId = hostId;
    }

    /** Returns the host that could not be reached. */
    public String hostId() {
        return hostId;
    }
}
