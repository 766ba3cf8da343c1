package io.deskport.provisioning.driver;

/** The desktop does not exist on the hypervisor (never cloned, or deleted behind the broker's back). */
public class DesktopNotFoundException extends DriverException {

    private final String desktopId;

    public DesktopNotFoundException(String desktopId) {
        super(DriverFailureReason.DESKTOP_NOT_FOUND, "desktop " + desktopId + " does not exist on the hypervisor");
        this.desktopId = desktopId;
    }

    /** Returns the id of the missing desktop. */
    public String desktopId() {
        return desktopId;
    }
}
