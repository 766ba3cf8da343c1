package io.deskport.provisioning.driver;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HypervisorDriverRegistryTest {

    private final HypervisorDriverRegistry registry = HypervisorDriverRegistry.discover();

    @Test
    void discoversTheLibvirtAndSimulatedDriversThroughServiceLoader() {
        assertThat(registry.ids()).containsExactlyInAnyOrder("libvirt", "simulated");
    }

    @Test
    void createsAConfiguredSimulatedDriverThatSaysItIsSimulated() {
        try (HypervisorDriver driver = registry.create("simulated",
                new DriverConfig("demo", Map.of("hosts", "3", "memoryMiBPerHost", "4096")))) {
            assertThat(driver.isSimulated()).isTrue();
            assertThat(driver.hosts()).hasSize(3).allSatisfy(h -> assertThat(h.memoryTotalMiB()).isEqualTo(4096));
        }
    }

    @Test
    void theLibvirtDriverIsReal() {
        try (HypervisorDriver driver = registry.create("libvirt", new DriverConfig("rack-1", Map.of()))) {
            assertThat(driver.isSimulated()).isFalse();
            assertThat(driver.capabilities().suspendToDisk()).isTrue();
        }
    }

    @Test
    void anUnknownDriverIdIsAConfigurationError() {
        assertThatThrownBy(() -> registry.create("proxmox", new DriverConfig("x", Map.of())))
                .isInstanceOfSatisfying(DriverException.class,
                        e -> assertThat(e.reason()).isEqualTo(DriverFailureReason.CONFIGURATION))
                .hasMessageContaining("proxmox");
    }

    @Test
    void anInvalidSettingNamesTheKeyAndValue() {
        assertThatThrownBy(() -> registry.create("simulated", new DriverConfig("x", Map.of("hosts", "many"))))
                .isInstanceOfSatisfying(DriverException.class,
                        e -> assertThat(e.reason()).isEqualTo(DriverFailureReason.CONFIGURATION))
                .hasMessageContaining("hosts").hasMessageContaining("many");
    }
}
