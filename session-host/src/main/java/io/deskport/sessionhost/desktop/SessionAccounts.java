package io.deskport.sessionhost.desktop;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import io.deskport.sessionhost.procfs.ProcFs;

/**
 * The local account each session runs as: when the agent runs as root, the broker user's own account
 * ({@link UnixAccounts}, created when the host allows); otherwise the agent's account, for every session. Once no
 * session uses an account any more, what it leaves behind goes: its processes (where no cgroup held them) and, when
 * the host is configured to, the account itself with its home.
 */
final class SessionAccounts {

    /** The users' own accounts when the agent runs as root; empty: every session runs as the agent's account. */
    private final Optional<UnixAccounts> userAccounts;
    private final boolean removeOnLogoff;

    SessionAccounts(UnixAccounts accounts, boolean root, boolean removeOnLogoff) {
        this.userAccounts = root ? Optional.of(accounts) : Optional.empty();
        this.removeOnLogoff = removeOnLogoff;
    }

    /** @return the account the broker user's sessions run as */
    UnixAccounts.Account of(String brokerUsername) throws IOException {
        return userAccounts.isPresent() ? userAccounts.get().resolve(brokerUsername) : agentAccount();
    }

    /**
     * Ends every process of an account no session uses any more (what sessions without a cgroup left running); not
     * when it is the agent's own account or root's.
     */
    void endProcesses(UnixAccounts.Account unused) {
        if (userAccounts.isPresent() && unused.uid() != 0) {
            ProcessHandle.allProcesses().filter(h -> ProcFs.uidOf(h.pid()) == unused.uid())
                    .forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** Removes an account no session uses any more, with its home, when the host is configured to. */
    void release(UnixAccounts.Account unused) throws IOException {
        if (removeOnLogoff && userAccounts.isPresent()) {
            userAccounts.get().remove(unused);
        }
    }

    private static UnixAccounts.Account agentAccount() throws IOException {
        return new UnixAccounts.Account(System.getProperty("user.name"), ProcFs.selfUid(), ProcFs.selfGid(),
                Path.of(System.getProperty("user.home")), "/bin/sh");
    }
}
