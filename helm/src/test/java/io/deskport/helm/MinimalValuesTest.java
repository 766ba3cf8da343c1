package io.deskport.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDeployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

/**
 * The minimal installation ({@code ci/minimal-values.yaml}): an external PostgreSQL, an external Keycloak issuer,
 * the standalone gateway, an Ingress.
 */
class MinimalValuesTest {

    private static final String BROKER = Chart.FULLNAME + "-broker";
    private static final String GATEWAY = Chart.FULLNAME + "-gateway";

    private static Manifests manifests;
    private static Deployment broker;
    private static Map<String, String> env;

    @BeforeAll
    static void render() {
        manifests = Chart.render(Chart.MINIMAL);
        broker = manifests.get(Deployment.class, BROKER);
        env = Pods.env(broker);
    }

    @Test
    void theBrokerRunsAtLeastTwoReplicasAndUpdatesBySurgingWithoutTakingOneAway() {
        assertThat(broker.getSpec().getReplicas()).isGreaterThanOrEqualTo(2);
        assertThat(broker.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
        RollingUpdateDeployment rolling = broker.getSpec().getStrategy().getRollingUpdate();
        assertThat(intOrPercent(rolling.getMaxSurge())).isPositive();
        assertThat(intOrPercent(rolling.getMaxUnavailable())).isZero();
    }

    @Test
    void theProbesAskTheBrokersActuatorHealthGroupsOnItsHttpPort() throws IOException {
        Container container = Pods.container(broker);
        JsonNode application = new YAMLMapper().readTree(Path.of("../broker/src/main/resources/application.yml").toFile());
        assertThat(application.at("/management/endpoint/health/probes/enabled").asBoolean())
                .as("the broker exposes the liveness and readiness groups").isTrue();
        // server.port is ${DESKPORT_PORT:8080}: the chart sets DESKPORT_PORT to the container port it probes
        assertThat(application.at("/server/port").asText()).startsWith("${DESKPORT_PORT:");
        int port = container.getPorts().stream().filter(p -> p.getName().equals("http")).findFirst().orElseThrow()
                .getContainerPort();
        assertThat(env).containsEntry("DESKPORT_PORT", String.valueOf(port));

        assertHttpProbe(container.getReadinessProbe(), "/actuator/health/readiness");
        assertHttpProbe(container.getLivenessProbe(), "/actuator/health/liveness");
        assertHttpProbe(container.getStartupProbe(), "/actuator/health/liveness");
        assertThat(container.getStartupProbe().getFailureThreshold() * container.getStartupProbe().getPeriodSeconds())
                .as("seconds a first start may take, Flyway's migrations included").isGreaterThanOrEqualTo(120);
    }

    @Test
    void aStoppingBrokerStaysInRotationBrieflyThenShutsDownGracefullyWithinTheGracePeriod() {
        long grace = broker.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        int preStop = Pods.container(broker).getLifecycle().getPreStop().getSleep().getSeconds().intValue();
        String phase = env.get("SPRING_LIFECYCLE_TIMEOUTPERSHUTDOWNPHASE");

        assertThat(grace).isEqualTo(60);
        assertThat(preStop).isPositive();
        assertThat(env).containsEntry("SERVER_SHUTDOWN", "graceful");
        assertThat(phase).endsWith("s");
        assertThat(preStop + Integer.parseInt(phase.substring(0, phase.length() - 1))).isLessThan((int) grace);
    }

    @Test
    void aShutdownPhaseThatWouldOutlastTheGracePeriodIsRefusedWithTheSettingsNamed() {
        assertThatThrownBy(() -> Chart.template(Chart.MINIMAL, Map.of("broker.shutdown.phaseTimeoutSeconds", 55)))
                .hasMessageContaining("preStopSleepSeconds (10) + phaseTimeoutSeconds (55)")
                .hasMessageContaining("terminationGracePeriodSeconds (60)");
    }

    @Test
    void aDisruptionBudgetKeepsAllButOneBrokerUp() {
        PodDisruptionBudget pdb = manifests.get(PodDisruptionBudget.class, BROKER);

        assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(Pods.podLabels(broker)).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
    }

    @Test
    void brokerReplicasSpreadOverNodesAndZones() {
        List<TopologySpreadConstraint> spread = broker.getSpec().getTemplate().getSpec().getTopologySpreadConstraints();

        assertThat(spread).extracting(TopologySpreadConstraint::getTopologyKey)
                .containsExactlyInAnyOrder("kubernetes.io/hostname", "topology.kubernetes.io/zone");
        assertThat(spread).allSatisfy(c -> assertThat(Pods.podLabels(broker))
                .containsAllEntriesOf(c.getLabelSelector().getMatchLabels()));
    }

    @Test
    void withoutAutoscalingThereIsNoAutoscaler() {
        assertThat(manifests.all(HorizontalPodAutoscaler.class)).isEmpty();
    }

    @Test
    void theStandaloneGatewayRunsAsItsOwnDeploymentBehindAServiceTheBrokerIsPointedAt() {
        Deployment gateway = manifests.get(Deployment.class, GATEWAY);
        Service service = manifests.get(Service.class, GATEWAY);
        Map<String, String> gatewayEnv = Pods.env(gateway);
        int servicePort = service.getSpec().getPorts().getFirst().getPort();

        assertThat(Pods.podLabels(gateway)).containsAllEntriesOf(service.getSpec().getSelector());
        assertThat(Pods.podLabels(broker)).doesNotContainEntry("app.kubernetes.io/component", "gateway");
        // GatewayMain's settings (gateway/README.md): it must listen beyond loopback to be reached
        assertThat(gatewayEnv).containsEntry("DESKPORT_GATEWAY_BIND", "0.0.0.0")
                .containsEntry("DESKPORT_GATEWAY_PORT", String.valueOf(servicePort));
        assertThat(env).containsEntry("DESKPORT_TUNNEL_GATEWAY", "remote")
                .containsEntry("DESKPORT_TUNNEL_GATEWAYHOST", GATEWAY)
                .containsEntry("DESKPORT_TUNNEL_GATEWAYPORT", String.valueOf(servicePort));
        assertThat(Pods.container(gateway).getReadinessProbe().getTcpSocket().getPort().getStrVal()).isEqualTo("guacamole");
    }

    @Test
    void everyContainerHasRequestsAndAMemoryLimit() {
        assertThat(manifests.all(Deployment.class)).hasSize(2).allSatisfy(d -> {
            Map<String, Quantity> requests = Pods.container(d).getResources().getRequests();
            assertThat(requests).containsKeys("cpu", "memory");
            assertThat(Pods.container(d).getResources().getLimits()).containsKey("memory");
        });
    }

    @Test
    void theBrokerTalksToTheExternalDatabaseWithCredentialsFromTheNamedSecret() {
        assertThat(env).containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://db.example.internal:5432/deskport");
        assertThat(secretRef("SPRING_DATASOURCE_USERNAME")).isEqualTo("deskport-database/username");
        assertThat(secretRef("SPRING_DATASOURCE_PASSWORD")).isEqualTo("deskport-database/password");
        assertThat(manifests.all(Secret.class)).as("the operator's Secret is used, not one made here").isEmpty();
    }

    @Test
    void theBrokerSignsInThroughTheExternalKeycloakWithTheClientSecretFromASecret() {
        assertThat(env).containsEntry("DESKPORT_IDENTITY_KEYCLOAK_URL", "https://auth.example.com")
                .containsEntry("DESKPORT_IDENTITY_KEYCLOAK_REALM", "deskport")
                .containsEntry("DESKPORT_IDENTITY_KEYCLOAK_CLIENTID", "deskport")
                .doesNotContainKey("DESKPORT_IDENTITY_KEYCLOAK_CLIENTSECRET");
        assertThat(secretRef("DESKPORT_IDENTITY_KEYCLOAK_CLIENTSECRET")).isEqualTo("deskport-keycloak/client-secret");
        assertThat(secretRef("DESKPORT_BOOTSTRAP_OPERATORPASSWORD")).isEqualTo(Chart.FULLNAME + "-bootstrap/operator-password");
        assertThat(env).containsEntry("DESKPORT_DEMO_ENABLED", "false");
    }

    @Test
    void aDatabasePasswordGivenAsAValueGoesIntoASecretOfTheChart() {
        Manifests withPassword = Chart.render(Chart.MINIMAL,
                Map.of("postgresql.external.existingSecret", "", "postgresql.external.password", "s3cret"));
        Secret secret = withPassword.get(Secret.class, Chart.FULLNAME + "-database");
        Deployment b = withPassword.get(Deployment.class, BROKER);

        assertThat(secret.getStringData()).containsEntry("username", "deskport").containsEntry("password", "s3cret");
        assertThat(Pods.secretEnv(b, "SPRING_DATASOURCE_PASSWORD").orElseThrow().getValueFrom().getSecretKeyRef().getName())
                .isEqualTo(Chart.FULLNAME + "-database");
    }

    @Test
    void theBrokerOnlyReachesTheDatabaseTheGatewayKeycloakAndConsolesAndIsReachedFromTheIngressController() {
        NetworkPolicy policy = manifests.get(NetworkPolicy.class, BROKER);

        assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(Pods.podLabels(broker)).containsAllEntriesOf(policy.getSpec().getPodSelector().getMatchLabels());
        assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> {
            assertThat(rule.getFrom()).singleElement().satisfies(peer -> assertThat(peer.getNamespaceSelector()
                    .getMatchLabels()).containsEntry("kubernetes.io/metadata.name", "ingress-nginx"));
            assertThat(rule.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort().getStrVal()).isEqualTo("http"));
        });
        List<NetworkPolicyEgressRule> egress = policy.getSpec().getEgress();
        assertThat(egressTo(egress, "10.20.0.0/24")).as("the database").containsExactly(5432);
        assertThat(egressTo(egress, "10.30.0.0/24")).as("Keycloak").containsExactly(443);
        assertThat(egress.stream().filter(rule -> rule.getTo().stream().anyMatch(peer -> peer.getPodSelector() != null)))
                .as("the gateway").singleElement().satisfies(rule -> {
                    assertThat(rule.getTo()).singleElement().satisfies(peer -> assertThat(peer.getPodSelector()
                            .getMatchLabels()).containsEntry("app.kubernetes.io/component", "gateway"));
                    assertThat(rule.getPorts()).singleElement()
                            .satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(4822));
                });
    }

    @Test
    void theGatewayIsReachedFromBrokersOnlyAndReachesTheConsoleNetworksOnly() {
        NetworkPolicy policy = manifests.get(NetworkPolicy.class, GATEWAY);
        Deployment gateway = manifests.get(Deployment.class, GATEWAY);

        assertThat(Pods.podLabels(gateway)).containsAllEntriesOf(policy.getSpec().getPodSelector().getMatchLabels());
        assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> assertThat(rule.getFrom())
                .singleElement().satisfies(peer -> assertThat(Pods.podLabels(broker))
                        .containsAllEntriesOf(peer.getPodSelector().getMatchLabels())));
        List<NetworkPolicyEgressRule> egress = policy.getSpec().getEgress();
        assertThat(egress).hasSize(2);
        assertThat(egress.get(0).getPorts()).allSatisfy(p -> assertThat(p.getPort().getIntVal()).isEqualTo(53));
        assertThat(egress.get(1).getTo()).extracting(peer -> peer.getIpBlock().getCidr())
                .containsExactly("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16");
        assertThat(egress.get(1).getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getPort().getIntVal()).isEqualTo(5900);
            assertThat(p.getEndPort()).isGreaterThan(5900);
        });
        assertThat(env).containsEntry("DESKPORT_CONSOLES_ALLOWEDNETWORKS", "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16");
    }

    @Test
    void theTunnelAndEventStreamGetAnIngressWithLongTimeoutsTheRestDoesNot() {
        Ingress streaming = manifests.get(Ingress.class, Chart.FULLNAME + "-streaming");
        Ingress portal = manifests.get(Ingress.class, Chart.FULLNAME + "-portal");

        assertThat(streaming.getSpec().getRules().getFirst().getHttp().getPaths())
                .extracting(p -> p.getPath()).contains("/tunnel");
        assertThat(streaming.getMetadata().getAnnotations())
                .containsEntry("nginx.ingress.kubernetes.io/proxy-read-timeout", "3600")
                .containsEntry("nginx.ingress.kubernetes.io/proxy-send-timeout", "3600");
        assertThat(portal.getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(portal.getSpec().getRules().getFirst().getHttp().getPaths()).singleElement().satisfies(p -> {
            assertThat(p.getPath()).isEqualTo("/");
            assertThat(p.getBackend().getService().getName()).isEqualTo(BROKER);
        });
        assertThat(portal.getSpec().getTls()).singleElement()
                .satisfies(t -> assertThat(t.getSecretName()).isEqualTo("deskport-tls"));
    }

    @Test
    void theTunnelTimeoutsCanBeChanged() {
        Ingress streaming = Chart.render(Chart.MINIMAL,
                        Map.of("ingress.streaming.annotations.nginx\\.ingress\\.kubernetes\\.io/proxy-read-timeout", "7200"))
                .get(Ingress.class, Chart.FULLNAME + "-streaming");

        assertThat(streaming.getMetadata().getAnnotations())
                .containsEntry("nginx.ingress.kubernetes.io/proxy-read-timeout", "7200");
    }

    @Test
    void furtherBrokerSettingsArriveAsAnApplicationYamlTheBrokerImports() throws IOException {
        Manifests configured = Chart.render(Chart.MINIMAL, Map.of("broker.config.deskport.sessions.prepare-timeout", "5m"));
        ConfigMap config = configured.get(ConfigMap.class, BROKER);
        Deployment b = configured.get(Deployment.class, BROKER);

        assertThat(new YAMLMapper().readTree(config.getData().get("application.yaml"))
                .at("/deskport/sessions/prepare-timeout").asText()).isEqualTo("5m");
        assertThat(Pods.env(b).get("SPRING_CONFIG_IMPORT")).isEqualTo("optional:file:/etc/deskport/config/application.yaml");
        assertThat(b.getSpec().getTemplate().getSpec().getVolumes())
                .anySatisfy(v -> assertThat(v.getConfigMap()).isNotNull()
                        .satisfies(c -> assertThat(c.getName()).isEqualTo(BROKER)));
        assertThat(Pods.container(b).getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/deskport/config"));
        assertThat(manifests.all(ConfigMap.class)).as("none without settings").isEmpty();
    }

    private String secretRef(String name) {
        EnvVar var = Pods.secretEnv(broker, name).orElseThrow(() -> new AssertionError(name + " is not from a Secret"));
        return var.getValueFrom().getSecretKeyRef().getName() + "/" + var.getValueFrom().getSecretKeyRef().getKey();
    }

    private static List<Integer> egressTo(List<NetworkPolicyEgressRule> egress, String cidr) {
        return egress.stream()
                .filter(rule -> rule.getTo().stream().map(NetworkPolicyPeer::getIpBlock)
                        .anyMatch(block -> block != null && block.getCidr().equals(cidr)))
                .flatMap(rule -> rule.getPorts().stream()).map(p -> p.getPort().getIntVal()).toList();
    }

    private static void assertHttpProbe(Probe probe, String path) {
        assertThat(probe).as("probe on " + path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
    }

    private static int intOrPercent(IntOrString value) {
        return value.getIntVal() != null ? value.getIntVal() : Integer.parseInt(value.getStrVal().replace("%", ""));
    }
}
