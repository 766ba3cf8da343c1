package io.deskport.broker.metering;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

import org.springframework.stereotype.Component;

import io.deskport.broker.shared.IpNetwork;

/**
 * Where webhooks may be sent. A tenant admin names the URL, and the broker makes the request from inside the
 * platform's network: without a check, a subscription could make the broker POST to its own database, a cloud
 * metadata service ({@code 169.254.169.254}) or anything on the operator's private networks. So an endpoint
 * must resolve to public addresses only, over {@code https}; loopback, link-local, private (RFC 1918, unique
 * local, carrier-grade NAT), unspecified and multicast addresses are refused unless they lie in
 * {@code deskport.metering.webhooks.allowed-networks}, which is also where plain {@code http} is accepted.
 * The check runs when a subscription is saved and again before every pass of deliveries (a name may resolve
 * elsewhere later); redirects are never followed.
 */
@Component
class WebhookAddresses {

    /** The longest URL accepted. */
    static final int MAX_URL = 2048;

    private static final List<IpNetwork> NOT_PUBLIC = List.of(
            IpNetwork.parse("0.0.0.0/8", "webhooks"), IpNetwork.parse("100.64.0.0/10", "webhooks"),
            IpNetwork.parse("192.0.0.0/24", "webhooks"), IpNetwork.parse("198.18.0.0/15", "webhooks"),
            IpNetwork.parse("240.0.0.0/4", "webhooks"), IpNetwork.parse("fc00::/7", "webhooks"),
            IpNetwork.parse("64:ff9b::/96", "webhooks"));

    private final List<IpNetwork> allowed;

    WebhookAddresses(WebhookProperties settings) {
        this.allowed = settings.allowedNetworks().stream()
                .map(n -> IpNetwork.parse(n, "deskport.metering.webhooks.allowed-networks")).toList();
    }

    /**
     * @param url an endpoint as an admin wrote it
     * @return why it is refused (to be shown to the admin), or null when it may be used
     */
    String whyNot(String url) {
        if (url == null || url.isBlank()) {
            return "is required";
        }
        if (url.length() > MAX_URL) {
            return "must be at most " + MAX_URL + " characters";
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "is not a URL";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return "must be an https URL";
        }
        if (uri.getHost() == null || uri.getRawAuthority() == null) {
            return "must name a host";
        }
        if (uri.getRawUserInfo() != null) {
            return "must not carry credentials (the signature authenticates the sender; the receiver checks it)";
        }
        if (uri.getRawFragment() != null) {
            return "must not have a fragment";
        }
        return whyNotReachable(uri);
    }

    /** @return why the endpoint's host may not be sent to now (resolved now), or null when it may */
    String whyNotReachable(URI uri) {
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException | SecurityException e) {
            return "has a host that cannot be resolved (" + host + ")";
        }
        boolean http = "http".equalsIgnoreCase(uri.getScheme());
        for (InetAddress a : addresses) {
            boolean listed = allowed.stream().anyMatch(n -> n.contains(a));
            if (!listed && !isPublic(a)) {
                return "must not point at a private, loopback or link-local address (" + a.getHostAddress()
                        + "); an operator can allow such networks in deskport.metering.webhooks.allowed-networks";
            }
            if (http && !listed) {
                return "must be https (plain http only to networks listed in deskport.metering.webhooks.allowed-networks)";
            }
        }
        return null;
    }

    /** @return whether the address is one of the public internet's */
    static boolean isPublic(InetAddress a) {
        if (a instanceof Inet6Address v6 && v6.isIPv4CompatibleAddress()) {
            return false;
        }
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        if (a instanceof Inet4Address && a.getAddress()[0] == (byte) 255) {
            return false;
        }
        return NOT_PUBLIC.stream().noneMatch(n -> n.contains(a));
    }
}
