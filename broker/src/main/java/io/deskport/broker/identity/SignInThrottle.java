package io.deskport.broker.identity;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * Slows password guessing down without letting an attacker lock a real user out for long. After
 * {@code signInFreeFailures} wrong passwords an account is locked for 1 s, then 2, 4 … up to
 * {@code signInMaxAccountLock} (60 s); after {@code signInFreeFailuresPerAddress} wrong passwords from one
 * client address (over any accounts) that address is locked for 10 s, doubling up to
 * {@code signInMaxAddressLock} (15 min). A locked attempt is refused before any password hash is computed
 * (the endpoint is no CPU sink), and a success clears the account's and the address's count. Counts are
 * kept per broker replica, in memory, and forgotten after a quiet {@link #FORGET_AFTER}: behind a load
 * balancer an attacker gets at most the replica count times the rate, which the doubling still bounds.
 */
@Component
class SignInThrottle {

    static final Duration FORGET_AFTER = Duration.ofMinutes(15);
    private static final int MAX_ENTRIES = 100_000;

    private record Failures(int count, long lockedUntil, long lastAt) {
    }

    private final Map<String, Failures> accounts = new ConcurrentHashMap<>();
    private final Map<String, Failures> addresses = new ConcurrentHashMap<>();
    private final IdentityProperties props;

    SignInThrottle(IdentityProperties props) {
        this.props = props;
    }

    /** How long to wait before this account may try again from this address, or empty when it may now. */
    Optional<Duration> wait(String account, String address) {
        long now = System.nanoTime();
        long until = Math.max(lockedUntil(accounts.get(account), now), lockedUntil(addresses.get(address), now));
        return until > now ? Optional.of(Duration.ofNanos(until - now)) : Optional.empty();
    }

    /**
     * A wrong password.
     *
     * @return true when this failure locked the account or the address
     */
    boolean failed(String account, String address) {
        long now = System.nanoTime();
        if (accounts.size() + addresses.size() > MAX_ENTRIES) {
            forgetQuiet(now);
        }
        Failures a = accounts.compute(account, (k, f) -> next(f, now, props.signInFreeFailures(), Duration.ofSeconds(1),
                props.signInMaxAccountLock()));
        Failures b = addresses.compute(address, (k, f) -> next(f, now, props.signInFreeFailuresPerAddress(),
                Duration.ofSeconds(10), props.signInMaxAddressLock()));
        return a.lockedUntil() > now || b.lockedUntil() > now;
    }

    /** A successful sign-in: the account and the address start afresh. */
    void succeeded(String account, String address) {
        accounts.remove(account);
        addresses.remove(address);
    }

    private static Failures next(Failures f, long now, int free, Duration first, Duration max) {
        int count = f == null || now - f.lastAt() > FORGET_AFTER.toNanos() ? 1 : f.count() + 1;
        long locked = 0;
        if (count > free) {
            int doublings = Math.min(30, count - free - 1);
            long lockNanos = Math.min(max.toNanos(), first.toNanos() << doublings);
            locked = now + lockNanos;
        }
        return new Failures(count, locked, now);
    }

    private static long lockedUntil(Failures f, long now) {
        return f == null ? now : f.lockedUntil();
    }

    private void forgetQuiet(long now) {
        accounts.values().removeIf(f -> now - f.lastAt() > FORGET_AFTER.toNanos());
        addresses.values().removeIf(f -> now - f.lastAt() > FORGET_AFTER.toNanos());
    }
}
