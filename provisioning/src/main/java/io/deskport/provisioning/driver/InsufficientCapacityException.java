package io.deskport.provisioning.driver;

/** The host cannot fit the request; the message names the resource and the numbers behind it. */
public class InsufficientCapacityException extends DriverException {

    private final String hostId;
    private final String resource;

    public InsufficientCapacityException(String hostId, String resource, long requested, long free) {
        super(DriverFailureReason.INSUFFICIENT_CAPACITY,
                "host " + hostId + " lacks " + resource + ": requested " + requested + ", free " + free);
        this.hostId = hostId;
        this.resource = resource;
    }

    /** Returns the host that is full. */
    public String hostId() {
        return hostId;
    }

    /** Returns which resource ran out: {@code cpu}, {@code memory} or {@code storage}. */
    public String resource() {
        return resource;
    }
}
