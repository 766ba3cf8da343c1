package io.deskport.broker.pools;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.deskport.provisioning.console.ConsoleProbe;
import io.deskport.provisioning.console.ConsoleProbeException;

/**
 * Checks the console of a desktop being registered by address, before it is registered (outside any
 * transaction: the check may wait seconds): connects, reads the RFB version and performs VNC authentication
 * with the given password ({@link ConsoleProbe}). Switched off by {@code deskport.consoles.check-on-registration=false}
 * (the tests' desktops at made-up addresses), the check reports NOT_CHECKED and the desktop is registered as asked.
 */
@Component
class ConsoleRegistrationCheck {

    private static final Logger log = LoggerFactory.getLogger(ConsoleRegistrationCheck.class);
    static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final boolean enabled;
    private final ConsoleProbe probe = new ConsoleProbe(TIMEOUT);

    ConsoleRegistrationCheck(ConsoleCheckSettings settings) {
        this.enabled = settings.checkOnRegistration();
    }

    /** @return what the console said, or NOT_CHECKED when the check is off or could not run */
    ConsoleCheck check(String host, int port, String password) {
        Instant at = Instant.now();
        if (!enabled) {
            return ConsoleCheck.notChecked("the console check is switched off (deskport.consoles.check-on-registration)", at);
        }
        try {
            ConsoleProbe.Result r = probe.probe(host, port, password == null || password.isEmpty() ? null : password);
            return new ConsoleCheck(ConsoleCheck.Result.REACHABLE, r.protocolVersion(), r.width(), r.height(),
                    r.desktopName(), "a VNC server answered with RFB " + r.protocolVersion() + " and accepted the password",
                    at);
        } catch (ConsoleProbeException e) {
            return ConsoleCheck.failed(classify(e), e.getMessage(), at);
        } catch (RuntimeException e) {
            log.warn("The console check of {}:{} could not run: {}", host, port, e.toString());
            return ConsoleCheck.notChecked("the check could not run (" + e.getClass().getSimpleName() + ")", at);
        }
    }

    static ConsoleCheck.Result classify(ConsoleProbeException e) {
        Throwable cause = e.getCause();
        return switch (e.failure()) {
            case UNREACHABLE -> cause instanceof ConnectException ? ConsoleCheck.Result.REFUSED
                    : cause instanceof SocketTimeoutException ? ConsoleCheck.Result.TIMEOUT : ConsoleCheck.Result.UNREACHABLE;
            case AUTH_FAILED, UNSUPPORTED_SECURITY -> ConsoleCheck.Result.AUTHENTICATION_FAILED;
            case NOT_RFB -> ConsoleCheck.Result.NOT_VNC;
            case PROTOCOL_ERROR -> cause instanceof SocketTimeoutException ? ConsoleCheck.Result.TIMEOUT
                    : ConsoleCheck.Result.ERROR;
        };
    }
}
