package io.deskport.broker.shared;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which console addresses the platform's allowed networks let through. */
class ConsoleNetworksTest {

    private static ConsoleNetworks allowing(String... networks) {
        return new ConsoleNetworks(new ConsoleProperties(List.of(networks)));
    }

    private static final ConsoleNetworks DEFAULTS = allowing("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7");

    @Test
    void privateAddressesInsideTheAllowedNetworksAreAllowed() {
        assertThat(DEFAULTS.allows("10.1.2.3")).isTrue();
        assertThat(DEFAULTS.allows("172.31.255.254")).isTrue();
        assertThat(DEFAULTS.allows("192.168.7.20")).isTrue();
        assertThat(DEFAULTS.allows("fd12:3456::1")).isTrue();
    }

    @Test
    void addressesOutsideTheAllowedNetworksAreRefused() {
        assertThat(DEFAULTS.allows("172.32.0.1")).isFalse();
        assertThat(DEFAULTS.allows("8.8.8.8")).isFalse();
        assertThat(DEFAULTS.allows("2001:db8::1")).isFalse();
    }

    @Test
    void loopbackAndLinkLocalAreRefusedByDefault() {
        assertThat(DEFAULTS.allows("127.0.0.1")).as("the broker's and the database's own ports").isFalse();
        assertThat(DEFAULTS.allows("169.254.169.254")).as("cloud metadata").isFalse();
        assertThat(DEFAULTS.allows("::1")).isFalse();
        assertThat(DEFAULTS.allows("fe80::1")).isFalse();
        assertThat(DEFAULTS.allows("::ffff:127.0.0.1")).as("IPv4-mapped loopback").isFalse();
        assertThat(DEFAULTS.allows("localhost")).isFalse();
    }

    @Test
    void everythingDoesNotIncludeLoopbackLinkLocalUnspecifiedOrMulticast() {
        ConsoleNetworks everything = allowing("0.0.0.0/0", "::/0");

        assertThat(everything.allows("203.0.113.9")).isTrue();
        assertThat(everything.allows("127.0.0.1")).isFalse();
        assertThat(everything.allows("169.254.169.254")).isFalse();
        assertThat(everything.allows("0.0.0.0")).isFalse();
        assertThat(everything.allows("224.0.0.1")).isFalse();
        assertThat(everything.allows("::1")).isFalse();
    }

    @Test
    void loopbackIsAllowedOnlyWhenListedExplicitly() {
        ConsoleNetworks demo = allowing("127.0.0.0/8");

        assertThat(demo.allows("127.0.0.1")).isTrue();
        assertThat(demo.allows("0.0.0.0")).isFalse();
        assertThat(allowing("169.254.0.0/16").allows("169.254.169.254")).isTrue();
    }

    @Test
    void aHostNameMustResolveAndEveryAddressMustBeAllowed() {
        assertThat(allowing("0.0.0.0/0").allows("no-such-host.invalid")).isFalse();
        assertThatThrownBy(() -> DEFAULTS.require("consoleHost", "no-such-host.invalid"))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.VALIDATION_FAILED);
                    assertThat(e.getMessage()).startsWith("consoleHost: ");
                });
    }

    @Test
    void aMistypedNetworkStopsTheBrokerAtStart() {
        assertThatThrownBy(() -> allowing("10.0.0.0/33")).hasMessageContaining("deskport.consoles.allowed-networks");
        assertThatThrownBy(() -> allowing("intranet")).hasMessageContaining("intranet");
    }
}
