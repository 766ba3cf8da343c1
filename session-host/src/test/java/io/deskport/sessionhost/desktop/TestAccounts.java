package io.deskport.sessionhost.desktop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Removes the Unix accounts a test created (every account with the test's own prefix). */
public final class TestAccounts {

    private TestAccounts() {
    }

    public static void removeAll(String prefix) throws IOException {
        for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
            String name = line.split(":")[0];
            if (name.startsWith(prefix)) {
                // any process still running as the account would block userdel
                new ProcessBuilder("pkill", "-KILL", "-U", name).start().onExit().join();
                try {
                    new ProcessBuilder("userdel", "--remove", name).redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
