package io.deskport.sessionhost.desktop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The local Unix account a broker user's desktop session runs as. A broker username maps to
 * {@code <prefix><name>}: lower-cased, characters outside {@code [a-z0-9_-]} replaced, and — when that
 * changed or shortened the name — a short hash of the original appended, so two broker users never
 * share an account. Missing accounts are created when the host's policy allows.
 */
public final class UnixAccounts {

    private static final int MAX_NAME = 32;

    /** A local account. */
    public record Account(String name, int uid, int gid, Path home, String shell) {
    }

    /** The account is missing and may not be created, or could not be created. */
    public static final class AccountUnavailable extends IOException {
        AccountUnavailable(String message) {
            super(message);
        }
    }

    private final String prefix;
    private final boolean mayCreate;
    // useradd locks /etc/passwd; serialising our own calls avoids most "cannot lock" retries
    private final ReentrantLock writes = new ReentrantLock();
    private final Path passwdFile = Path.of("/etc/passwd");

    public UnixAccounts(String prefix, boolean mayCreate) {
        this.prefix = prefix;
        this.mayCreate = mayCreate;
    }

    /** @return the local account name for a broker username */
    public String nameFor(String brokerUsername) {
        String lower = brokerUsername.toLowerCase(Locale.ROOT);
        String clean = lower.replaceAll("[^a-z0-9_-]", "_");
        String name = prefix + clean;
        if (!clean.equals(brokerUsername) || name.length() > MAX_NAME) {
            String hash = shortHash(brokerUsername);
            int room = MAX_NAME - prefix.length() - hash.length() - 1;
            name = prefix + clean.substring(0, Math.min(clean.length(), Math.max(room, 1))) + "-" + hash;
        }
        return name;
    }

    /**
     * @return the account for the broker user (created now if missing and allowed)
     * @throws AccountUnavailable when it is missing and may not, or cannot, be created
     */
    public Account resolve(String brokerUsername) throws IOException {
        String name = nameFor(brokerUsername);
        Optional<Account> existing = lookup(name);
        if (existing.isPresent()) {
            return existing.get();
        }
        if (!mayCreate) {
            throw new AccountUnavailable("No local account " + name + " for broker user " + brokerUsername
                    + ", and this host does not create accounts (accounts.create=false)");
        }
        writes.lock();
        try {
            existing = lookup(name);
            if (existing.isPresent()) {
                return existing.get();
            }
            for (int attempt = 1; ; attempt++) {
                Result r = run("useradd", "--create-home", "--user-group", "--shell", "/bin/bash", "--comment",
                        "Deskport user " + brokerUsername.replaceAll("[:,\\n]", "_"), name);
                if (r.code() == 0 || r.code() == 9) { // 9: created meanwhile by someone else
                    break;
                }
                if (attempt >= 20 || !r.output().contains("lock")) {
                    throw new AccountUnavailable("useradd " + name + " failed (" + r.code() + "): " + r.output().strip());
                }
                sleepQuietly(50L * attempt);
            }
        } finally {
            writes.unlock();
        }
        return lookup(name).orElseThrow(() -> new AccountUnavailable("useradd made no account " + name));
    }

    /** Deletes the account and its home (only used for accounts this agent maps, when configured to). */
    public void remove(Account account) throws IOException {
        writes.lock();
        try {
            for (int attempt = 1; attempt <= 20; attempt++) {
                Result r = run("userdel", "--remove", account.name());
                if (r.code() == 0 || r.code() == 6 || r.code() == 12) { // 6: no such user; 12: home/mail not removed
                    return;
                }
                if (!r.output().contains("lock") && !r.output().contains("currently used")) {
                    throw new IOException("userdel " + account.name() + " failed (" + r.code() + "): " + r.output().strip());
                }
                sleepQuietly(50L * attempt);
            }
        } finally {
            writes.unlock();
        }
    }

    /**
     * Looks the account up: in the local account file first (where the accounts this agent creates live),
     * then through the system's name service ({@code getent}, for directory accounts). Reading the file
     * saves a process per session start.
     */
    public Optional<Account> lookup(String name) throws IOException {
        Optional<Account> local = localAccount(name);
        if (local.isPresent()) {
            return local;
        }
        Result r = run("getent", "passwd", name);
        if (r.code() != 0) {
            return Optional.empty();
        }
        return parse(r.output().strip());
    }

    private Optional<Account> localAccount(String name) {
        try (var lines = Files.lines(passwdFile, StandardCharsets.UTF_8)) {
            String prefix = name + ":";
            return lines.filter(l -> l.startsWith(prefix)).findFirst().flatMap(UnixAccounts::parse);
        } catch (IOException | java.io.UncheckedIOException e) {
            return Optional.empty();
        }
    }

    private static Optional<Account> parse(String entry) {
        String[] f = entry.split(":", -1);
        if (f.length < 6) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Account(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]), Path.of(f[5]),
                    f.length > 6 && !f[6].isEmpty() ? f[6] : "/bin/sh"));
        } catch (NumberFormatException | java.nio.file.InvalidPathException e) {
            return Optional.empty();
        }
    }

    private record Result(int code, String output) {
    }

    private static Result run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command[0] + " did not finish");
            }
            return new Result(p.exitValue(), out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String shortHash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 3);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
