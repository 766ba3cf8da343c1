package io.deskport.broker.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The local accounts of this machine that tests create (through the session-host agent), and their cleanup.
 * What runs on the machine is read with the session host's own helpers: {@code ProcFs} and {@code SessionCgroups}.
 */
public final class LocalAccounts {

    private LocalAccounts() {
    }

    /** @return the local accounts whose names start with the prefix */
    public static List<String> accounts(String prefix) throws IOException {
        return Files.readAllLines(Path.of("/etc/passwd")).stream().map(l -> l.split(":")[0])
                .filter(n -> n.startsWith(prefix)).toList();
    }

    /** Deletes the accounts a test created (every account with the test's own prefix) and their processes. */
    public static void removeAccounts(String prefix) throws IOException, InterruptedException {
        for (String name : accounts(prefix)) {
            new ProcessBuilder("pkill", "-KILL", "-U", name).start().waitFor(5, TimeUnit.SECONDS);
            new ProcessBuilder("userdel", "--remove", name).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
