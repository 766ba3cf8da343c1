package io.deskport.broker.provisioning;

import java.time.Duration;

import org.springframework.stereotype.Component;

import io.deskport.provisioning.console.ConsoleProbe;
import io.deskport.provisioning.console.ConsoleProbeException;
import io.deskport.provisioning.driver.ConsoleEndpoint;
import io.deskport.provisioning.driver.DriverException;
import io.deskport.provisioning.driver.DriverFailureReason;
import io.deskport.provisioning.driver.HypervisorDriver;

/**
 * Waits until a started desktop's console answers (RFB handshake and VNC authentication with its
 * password, {@link ConsoleProbe}): only then is the desktop READY. A simulated desktop whose console is
 * the simulator's fake address has nothing to probe; pointed at a real VNC server, it is probed too.
 */
@Component
class ConsoleCheck {

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
    private static final long PAUSE_MS = 200;

    private final ProvisioningProperties props;
    private final ConsoleProbe probe = new ConsoleProbe(PROBE_TIMEOUT);

    ConsoleCheck(ProvisioningProperties props) {
        this.props = props;
    }

    /**
     * @return the console endpoint, once it answers
     * @throws DriverException TIMEOUT when it did not answer within the configured console timeout
     */
    ConsoleEndpoint awaitAnswer(HypervisorDriver driver, String desktopId) {
        long deadline = System.nanoTime() + props.consoleTimeout().toNanos();
        String last = "no attempt";
        while (true) {
            try {
                ConsoleEndpoint endpoint = driver.console(desktopId);
                if (endpoint.simulated() && endpoint.host().endsWith(".invalid")) {
                    return endpoint;
                }
                probe.probe(endpoint);
                return endpoint;
            } catch (ConsoleProbeException e) {
                last = e.failure() + ": " + e.getMessage();
            } catch (DriverException e) {
                if (e.reason() != DriverFailureReason.INVALID_STATE) {
                    throw e;
                }
                last = e.getMessage();
            }
            if (System.nanoTime() > deadline) {
                throw new DriverException(DriverFailureReason.TIMEOUT, "the console of desktop " + desktopId
                        + " did not answer within " + props.consoleTimeout() + " (" + last + ")");
            }
            try {
                Thread.sleep(PAUSE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DriverException(DriverFailureReason.TIMEOUT, "waiting for the console was interrupted", e);
            }
        }
    }
}
