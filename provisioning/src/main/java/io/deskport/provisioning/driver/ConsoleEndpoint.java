package io.deskport.provisioning.driver;

/**
 * Where the gateway reaches a desktop's console.
 *
 * @param protocol  {@code vnc}
 * @param host      address to connect to
 * @param port      TCP port
 * @param password  the per-desktop VNC password (at most 8 characters, the RFB limit)
 * @param simulated true if this endpoint belongs to a simulated desktop (it may be a fake address)
 */
public record ConsoleEndpoint(String protocol, String host, int port, String password, boolean simulated) {

    @Override
    public String toString() {
        // The password must not end up in logs.
        return "ConsoleEndpoint[" + protocol + "://" + host + ":" + port + (simulated ? ", simulated" : "") + "]";
    }
}
