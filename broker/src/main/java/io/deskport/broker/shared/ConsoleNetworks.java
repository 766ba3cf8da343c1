package io.deskport.broker.shared;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

/**
 * Where console addresses may point: the networks the platform allows for desktops and session hosts
 * ({@code deskport.consoles.allowed-networks}). Without this, a tenant admin could register a "desktop"
 * at the broker's own port, the database's or a cloud metadata address and use the broker's tunnel to
 * reach it. Loopback and link-local addresses are refused unless a listed network is itself loopback or
 * link-local (as {@code 127.0.0.0/8} in the demo and the tests): {@code 0.0.0.0/0} does not allow them.
 * Unspecified ({@code 0.0.0.0}) and multicast addresses are always refused. A host name is resolved and
 * every one of its addresses must be allowed.
 */
@Component
public class ConsoleNetworks {

    private final List<IpNetwork> allowed;

    public ConsoleNetworks(ConsoleProperties settings) {
        List<IpNetwork> parsed = new ArrayList<>();
        settings.allowedNetworks().forEach(n -> parsed.add(IpNetwork.parse(n, "deskport.consoles.allowed-networks")));
        this.allowed = List.copyOf(parsed);
    }

    /** @return whether the host (an address or a name, resolved now) is an allowed console address */
    public boolean allows(String host) {
        return why(host) == null;
    }

    /**
     * @param field the request member that carries the host, named in the refusal
     * @throws ProblemException VALIDATION_FAILED naming the field when the host is not allowed
     */
    public void require(String field, String host) {
        String why = why(host);
        if (why != null) {
            throw new ProblemException(Reason.VALIDATION_FAILED, field + ": " + why, Map.of("errors",
                    List.of(new ProblemResponses.FieldError(field, why, host == null || host.length() > 255 ? null
                            : host))));
        }
    }

    /** @return why the host is refused, or null when it is allowed */
    private String why(String host) {
        if (host == null || host.isBlank()) {
            return "is required";
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host.trim());
        } catch (UnknownHostException | SecurityException e) {
            return "cannot be resolved to an address";
        }
        for (InetAddress a : addresses) {
            if (!allowed(a)) {
                return "must be an address in the networks the platform allows for consoles ("
                        + a.getHostAddress() + " is not)";
            }
        }
        return null;
    }

    private boolean allowed(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isMulticastAddress()) {
            return false;
        }
        boolean loopback = a.isLoopbackAddress();
        boolean linkLocal = a.isLinkLocalAddress();
        for (IpNetwork n : allowed) {
            if (n.contains(a.getAddress())) {
                InetAddress base = n.baseAddress();
                if (loopback && !base.isLoopbackAddress() || linkLocal && !base.isLinkLocalAddress()) {
                    continue; // only a network that is itself loopback or link-local lets those through
                }
                return true;
            }
        }
        return false;
    }
}
