package io.deskport.provisioning.libvirt;

import io.deskport.provisioning.driver.DriverException;
import io.deskport.provisioning.driver.DriverFailureReason;
import io.deskport.provisioning.driver.HostUnavailableException;
import org.libvirt.Connect;
import org.libvirt.Error;
import org.libvirt.LibvirtException;
import org.libvirt.jna.Libvirt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shared libvirt connection, opened lazily and reopened after the daemon went away, and the
 * translation of libvirt errors into the driver's typed errors. libvirt connections are thread-safe,
 * so all driver threads share it.
 */
final class LibvirtConnection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LibvirtConnection.class);

    /** A libvirt call on the connection. */
    @FunctionalInterface
    interface Call<T> {
        T run(Connect connect) throws LibvirtException;
    }

    /**
     * Replaces libvirt's default error handler, which prints every error (even an expected "domain not
     * found") to stderr; errors still reach us as exceptions. Held in a field so JNA's callback is not
     * collected.
     */
    private static final Libvirt.VirErrorCallback QUIET_ERRORS = (userData, error) -> { };

    static {
        try {
            Connect.setErrorCallback(QUIET_ERRORS);
        } catch (LibvirtException e) {
            log.debug("could not silence libvirt's default error handler", e);
        }
    }

    private final String uri;
    private final String hostId;
    private Connect connect;

    LibvirtConnection(String uri, String hostId) {
        this.uri = uri;
        this.hostId = hostId;
    }

    /**
     * Runs a call, translating failures: unreachable daemon → {@link HostUnavailableException}, any other
     * libvirt error → {@link DriverException} with {@link DriverFailureReason#HYPERVISOR_ERROR}.
     *
     * @param what what is being done, for the error message (e.g. "start desktop 42")
     */
    <T> T call(String what, Call<T> call) {
        Connect c = open();
        try {
            return call.run(c);
        } catch (LibvirtException e) {
            throw translate(what, e, c);
        }
    }

    /** Returns the libvirt error code of an exception, or null. */
    static Error.ErrorNumber code(LibvirtException e) {
        return e.getError() == null ? null : e.getError().getCode();
    }

    private synchronized Connect open() {
        if (connect != null) {
            try {
                if (connect.isAlive()) {
                    return connect;
                }
            } catch (LibvirtException e) {
                log.debug("libvirt connection to {} is broken, reconnecting", uri, e);
            }
            closeQuietly();
        }
        try {
            connect = new Connect(uri, false);
            return connect;
        } catch (LibvirtException e) {
            throw new HostUnavailableException(hostId, "cannot connect to libvirt at " + uri + " (host " + hostId
                    + "): " + message(e), e);
        }
    }

    private DriverException translate(String what, LibvirtException e, Connect used) {
        if (isConnectionFailure(e) || !alive(used)) {
            synchronized (this) {
                if (connect == used) {
                    closeQuietly();
                }
            }
            return new HostUnavailableException(hostId, what + ": libvirt at " + uri + " went away: " + message(e), e);
        }
        return new DriverException(DriverFailureReason.HYPERVISOR_ERROR, what + ": " + message(e), e);
    }

    private static boolean isConnectionFailure(LibvirtException e) {
        Error error = e.getError();
        if (error == null) {
            return false;
        }
        return switch (error.getCode()) {
            case VIR_ERR_NO_CONNECT, VIR_ERR_INVALID_CONN, VIR_ERR_RPC, VIR_ERR_AUTH_FAILED,
                 VIR_ERR_AUTH_CANCELLED, VIR_ERR_AUTH_UNAVAILABLE -> true;
            case VIR_ERR_SYSTEM_ERROR, VIR_ERR_INTERNAL_ERROR -> error.getDomain() == Error.ErrorDomain.VIR_FROM_RPC
                    || error.getDomain() == Error.ErrorDomain.VIR_FROM_REMOTE;
            default -> false;
        };
    }

    private static boolean alive(Connect c) {
        try {
            return c.isAlive();
        } catch (LibvirtException e) {
            return false;
        }
    }

    static String message(LibvirtException e) {
        return e.getError() != null && e.getError().getMessage() != null ? e.getError().getMessage() : e.toString();
    }

    private void closeQuietly() {
        if (connect == null) {
            return;
        }
        try {
            connect.close();
        } catch (LibvirtException | RuntimeException e) {
            log.debug("closing libvirt connection to {} failed", uri, e);
        }
        connect = null;
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }
}
