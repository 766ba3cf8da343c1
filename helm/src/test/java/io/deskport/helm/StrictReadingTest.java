package io.deskport.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.apps.Deployment;

/** The manifests are read strictly: a field the Kubernetes type does not have fails the reading. */
class StrictReadingTest {

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: broker
            spec:
              %s: 2
              selector:
                matchLabels: {app: broker}
              template:
                metadata:
                  labels: {app: broker}
                spec:
                  containers:
                    - name: broker
                      image: ghcr.io/deskport/broker:0.1.0
                      %s: IfNotPresent
            """;

    @Test
    void aWellFormedDeploymentIsRead() {
        Deployment deployment = Manifests.read(DEPLOYMENT.formatted("replicas", "imagePullPolicy")).only(Deployment.class);

        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(Pods.container(deployment).getImagePullPolicy()).isEqualTo("IfNotPresent");
    }

    @Test
    void aMisspelledTopLevelFieldIsRefusedByName() {
        assertThatThrownBy(() -> Manifests.read(DEPLOYMENT.formatted("replica", "imagePullPolicy")))
                .hasMessageContaining("apps/v1/Deployment broker")
                .hasMessageContaining("\"replica\"");
    }

    @Test
    void aMisspelledFieldDeepInsideIsRefusedByName() {
        assertThatThrownBy(() -> Manifests.read(DEPLOYMENT.formatted("replicas", "imagePulPolicy")))
                .hasMessageContaining("\"imagePulPolicy\"");
    }

    @Test
    void aKindNoTestKnowsIsRefused() {
        assertThatThrownBy(() -> Manifests.read("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n"))
                .hasMessageContaining("v1/Pod");
    }

    @Test
    void theOperatorsResourcesAreReadStrictlyToo() {
        assertThatThrownBy(() -> Manifests.read("""
                apiVersion: postgresql.cnpg.io/v1
                kind: Cluster
                metadata: {name: db}
                spec: {instances: 3, storage: {sise: 1Gi}}
                """)).hasMessageContaining("\"sise\"");
    }
}
