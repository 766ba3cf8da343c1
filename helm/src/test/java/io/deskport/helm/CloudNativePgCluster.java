package io.deskport.helm;

import java.util.Map;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/**
 * The part of CloudNativePG's {@code postgresql.cnpg.io/v1 Cluster} the chart renders, named as in the operator's
 * API reference (cloudnative-pg.io/documentation, "API Reference"); read strictly like every manifest.
 */
record CloudNativePgCluster(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

    record Spec(int instances, String imageName, String primaryUpdateStrategy, Bootstrap bootstrap,
                PostgresConfiguration postgresql, Storage storage, ResourceRequirements resources,
                Affinity affinity, Monitoring monitoring) {
    }

    record Bootstrap(InitDb initdb) {
    }

    record InitDb(String database, String owner) {
    }

    record PostgresConfiguration(Map<String, String> parameters) {
    }

    record Storage(String size, String storageClass) {
    }

    record Affinity(Boolean enablePodAntiAffinity, String topologyKey) {
    }

    record Monitoring(Boolean enablePodMonitor) {
    }
}
