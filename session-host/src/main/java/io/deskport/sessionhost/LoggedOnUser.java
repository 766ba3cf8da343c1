package io.deskport.sessionhost;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Single-session mode (the agent inside a VDI desktop): who is logged on to this machine now. Asks a
 * command — {@code who} by default (the utmp records of login sessions), or any command that prints
 * the user's name — and takes the first name it prints.
 */
final class LoggedOnUser {

    private final String command;

    LoggedOnUser(String command) {
        this.command = command;
    }

    /** @return the logged-on user, or null when nobody is */
    String current() {
        try {
            Process p = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return null;
            }
            String first = out.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(null);
            return first == null ? null : first.split("\\s+")[0];
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
