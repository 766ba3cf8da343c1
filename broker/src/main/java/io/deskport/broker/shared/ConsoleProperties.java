package io.deskport.broker.shared;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Console address settings ({@code deskport.consoles.*}), used by {@link ConsoleNetworks}; documented
 * in the README.
 *
 * @param allowedNetworks CIDR blocks (IPv4 or IPv6) that desktops', session hosts' and agents' console
 *                        addresses must lie in; loopback and link-local only when a listed block is itself
 *                        loopback or link-local (e.g. {@code 127.0.0.0/8})
 */
@ConfigurationProperties("deskport.consoles")
record ConsoleProperties(
        @DefaultValue({"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"}) List<String> allowedNetworks) {
}
