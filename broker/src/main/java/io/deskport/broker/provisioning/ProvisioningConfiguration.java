package io.deskport.broker.provisioning;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.deskport.provisioning.driver.HypervisorDriverRegistry;
import io.deskport.provisioning.planner.HostHealthPolicy;
import io.deskport.provisioning.planner.PlannerSettings;
import io.deskport.provisioning.planner.ReconcilePlanner;

/** The provisioning library's objects, configured from {@link ProvisioningProperties}. */
@Configuration(proxyBeanMethods = false)
class ProvisioningConfiguration {

    @Bean
    HypervisorDriverRegistry hypervisorDriverRegistry() {
        return HypervisorDriverRegistry.discover();
    }

    @Bean
    ReconcilePlanner reconcilePlanner(ProvisioningProperties p) {
        return new ReconcilePlanner(new PlannerSettings(p.maxOperationsPerHost(), p.maxOperationsPerPool(),
                p.cpuOvercommit(), p.memoryOvercommit(), p.storageOvercommit()));
    }

    @Bean
    HostHealthPolicy hostHealthPolicy(ProvisioningProperties p) {
        return new HostHealthPolicy(p.hostFailureThreshold(), p.hostQuarantine());
    }
}
