package io.deskport.helm;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/** Reading a Deployment's single container the way the tests need it. */
final class Pods {

    private Pods() {
    }

    static Container container(Deployment deployment) {
        List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
        if (containers.size() != 1) {
            throw new AssertionError(deployment.getMetadata().getName() + " has " + containers.size() + " containers");
        }
        return containers.getFirst();
    }

    /** @return the container's plain environment variables (those from Secrets are left out) */
    static Map<String, String> env(Deployment deployment) {
        return container(deployment).getEnv().stream().filter(e -> e.getValueFrom() == null)
                .collect(Collectors.toMap(EnvVar::getName, e -> e.getValue() == null ? "" : e.getValue()));
    }

    /** @return the variable when it comes from a Secret */
    static Optional<EnvVar> secretEnv(Deployment deployment, String name) {
        return container(deployment).getEnv().stream()
                .filter(e -> e.getName().equals(name) && e.getValueFrom() != null
                        && e.getValueFrom().getSecretKeyRef() != null)
                .findFirst();
    }

    static Map<String, String> podLabels(Deployment deployment) {
        return deployment.getSpec().getTemplate().getMetadata().getLabels();
    }
}
