package io.deskport.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;

/** A guacd of the operator's own ({@code ci/external-guacd-values.yaml}), e.g. for RDP to Windows hosts. */
class ExternalGuacdValuesTest {

    private static final String BROKER = Chart.FULLNAME + "-broker";

    private static Manifests manifests;
    private static Deployment broker;

    @BeforeAll
    static void render() {
        manifests = Chart.render(Chart.EXTERNAL_GUACD);
        broker = manifests.get(Deployment.class, BROKER);
    }

    @Test
    void noGatewayRunsInTheClusterAndTheBrokerIsPointedAtGuacd() {
        assertThat(manifests.all(Deployment.class)).extracting(d -> d.getMetadata().getName()).containsExactly(BROKER);
        assertThat(manifests.all(Service.class)).extracting(s -> s.getMetadata().getName()).containsExactly(BROKER);
        assertThat(Pods.env(broker)).containsEntry("DESKPORT_TUNNEL_GATEWAY", "remote")
                .containsEntry("DESKPORT_TUNNEL_GATEWAYHOST", "guacd.desktops.example.internal")
                .containsEntry("DESKPORT_TUNNEL_GATEWAYPORT", "4822");
    }

    @Test
    void theBrokerMayReachGuacdAndThereIsNoGatewayPolicy() {
        assertThat(manifests.all(NetworkPolicy.class)).extracting(p -> p.getMetadata().getName()).containsExactly(BROKER);
        List<Integer> toGuacd = manifests.get(NetworkPolicy.class, BROKER).getSpec().getEgress().stream()
                .filter(rule -> rule.getTo().stream()
                        .anyMatch(p -> p.getIpBlock() != null && p.getIpBlock().getCidr().equals("10.50.0.0/24")))
                .flatMap(rule -> rule.getPorts().stream()).map(p -> p.getPort().getIntVal()).toList();
        assertThat(toGuacd).containsExactly(4822);
    }

    @Test
    void theEmbeddedGatewayNeedsNeitherDeploymentNorRemoteAddress() {
        Manifests embedded = Chart.render(Chart.EXTERNAL_GUACD, Map.of("gateway.mode", "embedded"));

        assertThat(embedded.all(Deployment.class)).hasSize(1);
        assertThat(Pods.env(embedded.get(Deployment.class, BROKER))).containsEntry("DESKPORT_TUNNEL_GATEWAY", "embedded")
                .doesNotContainKey("DESKPORT_TUNNEL_GATEWAYHOST");
    }
}
