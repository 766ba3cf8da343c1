package io.deskport.sessionhost.desktop;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which X display numbers are taken on this machine, by the marks every X server leaves: its lock file
 * ({@code /tmp/.X<n>-lock}, holding its process id) and its socket ({@code /tmp/.X11-unix/X<n>}).
 *
 * <p>An X server killed outright (kill -9, a cgroup killed with a broker that died) leaves both behind, and
 * a display range would fill up with the dead. A display whose lock names a process that is gone or is no X
 * server, or whose socket nobody answers on (and no lock), is free: its leftovers are removed, as an X server
 * starting on it would do. So is the keymap the dead server compiled ({@code /tmp/server-<n>.xkm}): it belongs
 * to the account that server ran as, and an X server of another account could not write its own there.
 */
final class XDisplays {

    private static final System.Logger log = System.getLogger(XDisplays.class.getName());

    private final Path tmp;

    /** @param tmp where X servers leave their marks: {@code /tmp} */
    XDisplays(Path tmp) {
        this.tmp = tmp;
    }

    /** True when no live X server holds display {@code d}; the leftovers of a dead one are removed first. */
    boolean free(int d) {
        Path lock = tmp.resolve(".X" + d + "-lock");
        Path socket = tmp.resolve(".X11-unix").resolve("X" + d);
        boolean locked = Files.exists(lock);
        if (locked && liveXServer(lock)) {
            return false;
        }
        if (!locked && Files.exists(socket) && answers(socket)) {
            return false; // an X server without a lock file (or one that took its lock away): leave it be
        }
        try {
            if (locked || Files.exists(socket)) {
                log.log(System.Logger.Level.INFO, "Display :{0} was left behind by an X server that is gone: its lock and socket are removed", d);
            }
            Files.deleteIfExists(lock);
            Files.deleteIfExists(socket);
            Files.deleteIfExists(tmp.resolve("server-" + d + ".xkm"));
            return true;
        } catch (IOException e) {
            log.log(System.Logger.Level.WARNING, "Display :{0} has leftovers that cannot be removed ({1}): skipped", d, e.getMessage());
            return false;
        }
    }

    /** The lock names a running process, and it is an X server (a pid of the dead may have been reused). */
    private static boolean liveXServer(Path lock) {
        long pid;
        try {
            pid = Long.parseLong(Files.readString(lock, StandardCharsets.US_ASCII).strip());
        } catch (IOException | NumberFormatException e) {
            return true; // being written, or not ours to judge
        }
        try {
            String comm = Files.readString(Path.of("/proc/" + pid + "/comm"), StandardCharsets.UTF_8).strip();
            return comm.startsWith("X") || comm.startsWith("x");
        } catch (IOException gone) {
            return false;
        }
    }

    private static boolean answers(Path socket) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException refused) {
            return false;
        }
    }
}
