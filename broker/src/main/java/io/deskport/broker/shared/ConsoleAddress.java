package io.deskport.broker.shared;

/**
 * Where a desktop's display can be reached (VNC host, port, password). Server-side only: it never goes
 * into an API response, and its string form hides the password.
 */
public record ConsoleAddress(String host, int port, String password) {

    @Override
    public String toString() {
        return host + ":" + port + (password == null ? "" : " (password set)");
    }
}
