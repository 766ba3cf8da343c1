package io.deskport.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import io.fabric8.openshift.api.model.monitoring.v1.RuleGroup;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;

/**
 * The highly available installation ({@code ci/ha-values.yaml}): a CloudNativePG cluster and a Keycloak of the
 * Keycloak Operator made by the chart, three broker replicas under an autoscaler, Gateway API, every observability
 * object.
 */
class HighAvailabilityValuesTest {

    private static final String BROKER = Chart.FULLNAME + "-broker";
    private static final String CLUSTER = Chart.FULLNAME + "-db";

    private static Manifests manifests;
    private static Deployment broker;
    private static Map<String, String> env;

    @BeforeAll
    static void render() {
        manifests = Chart.render(Chart.HA);
        broker = manifests.get(Deployment.class, BROKER);
        env = Pods.env(broker);
    }

    @Test
    void theChartMakesACloudNativePgClusterAndTheBrokerUsesItsPrimaryAndItsAppSecret() {
        CloudNativePgCluster cluster = manifests.only(CloudNativePgCluster.class);

        assertThat(cluster.metadata().getName()).isEqualTo(CLUSTER);
        assertThat(cluster.spec().instances()).isEqualTo(3);
        assertThat(cluster.spec().bootstrap().initdb().database()).isEqualTo("deskport");
        assertThat(cluster.spec().affinity().enablePodAntiAffinity()).isTrue();
        // the operator serves the primary as <cluster>-rw and the owner's credentials as the Secret <cluster>-app
        assertThat(env).containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://" + CLUSTER + "-rw:5432/deskport");
        assertThat(Pods.secretEnv(broker, "SPRING_DATASOURCE_PASSWORD").orElseThrow().getValueFrom().getSecretKeyRef())
                .satisfies(ref -> {
                    assertThat(ref.getName()).isEqualTo(CLUSTER + "-app");
                    assertThat(ref.getKey()).isEqualTo("password");
                });
        int maxConnections = Integer.parseInt(cluster.spec().postgresql().parameters().get("max_connections"));
        int poolSize = Integer.parseInt(env.get("DESKPORT_DB_POOL_SIZE"));
        int maxReplicas = manifests.only(HorizontalPodAutoscaler.class).getSpec().getMaxReplicas();
        assertThat(maxConnections).as("every replica's pool fits").isGreaterThan(maxReplicas * poolSize);
    }

    @Test
    void theDatabaseTakesConnectionsFromBrokersItsOwnInstancesAndTheOperatorOnly() {
        NetworkPolicy policy = manifests.get(NetworkPolicy.class, Chart.FULLNAME + "-database");

        assertThat(policy.getSpec().getPodSelector().getMatchLabels()).containsEntry("cnpg.io/cluster", CLUSTER);
        assertThat(policy.getSpec().getIngress().getFirst().getFrom()).singleElement()
                .satisfies(peer -> assertThat(Pods.podLabels(broker)).containsAllEntriesOf(peer.getPodSelector().getMatchLabels()));
        assertThat(policy.getSpec().getIngress().getFirst().getPorts()).singleElement()
                .satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(5432));
        NetworkPolicy brokerPolicy = manifests.get(NetworkPolicy.class, BROKER);
        assertThat(brokerPolicy.getSpec().getEgress()).anySatisfy(rule -> assertThat(rule.getTo()).anySatisfy(peer ->
                assertThat(peer.getPodSelector()).isNotNull()
                        .satisfies(s -> assertThat(s.getMatchLabels()).containsEntry("cnpg.io/cluster", CLUSTER))));
    }

    @Test
    void theChartMakesAKeycloakOfTheOperatorAndTheBrokerReachesItsService() {
        KeycloakResource keycloak = manifests.only(KeycloakResource.class);

        assertThat(keycloak.spec().instances()).isEqualTo(2);
        assertThat(keycloak.spec().hostname().hostname()).isEqualTo("https://auth.example.com");
        assertThat(keycloak.spec().db().usernameSecret().name()).isEqualTo("keycloak-db");
        assertThat(keycloak.spec().ingress().enabled()).isTrue();
        // the broker checks a token's issuer against <url>/realms/<realm>: Keycloak names itself by its hostname
        assertThat(env).containsEntry("DESKPORT_IDENTITY_KEYCLOAK_URL", keycloak.spec().hostname().hostname())
                .containsEntry("DESKPORT_IDENTITY_KEYCLOAK_PUBLICURL", keycloak.spec().hostname().hostname());
        assertThat(manifests.get(NetworkPolicy.class, BROKER).getSpec().getEgress()).anySatisfy(rule -> {
            assertThat(rule.getTo()).extracting(peer -> peer.getNamespaceSelector() == null ? null
                    : peer.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name")).contains("ingress-nginx");
            assertThat(rule.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(443);
        });
    }

    @Test
    void anAutoscalerOwnsTheReplicasScalingOnCpuAndTheConnectRate() {
        HorizontalPodAutoscaler hpa = manifests.get(HorizontalPodAutoscaler.class, BROKER);
        List<MetricSpec> metrics = hpa.getSpec().getMetrics();

        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(BROKER);
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(3);
        assertThat(broker.getSpec().getReplicas()).as("left to the autoscaler").isNull();
        assertThat(metrics).anySatisfy(m -> {
            assertThat(m.getType()).isEqualTo("Resource");
            assertThat(m.getResource().getName()).isEqualTo("cpu");
            assertThat(m.getResource().getTarget().getAverageUtilization()).isBetween(1, 100);
        });
        assertThat(metrics).anySatisfy(m -> {
            assertThat(m.getType()).isEqualTo("Pods");
            assertThat(m.getPods().getMetric().getName()).isEqualTo("deskport_connects_per_second");
            assertThat(m.getPods().getTarget().getType()).isEqualTo("AverageValue");
        });
    }

    @Test
    void theGatewayApiRouteSendsTheTunnelWithoutATimeoutAndEverythingToTheBroker() {
        HTTPRoute route = manifests.only(HTTPRoute.class);
        HTTPRouteRule streaming = route.getSpec().getRules().getFirst();

        assertThat(route.getSpec().getHostnames()).containsExactly("deskport.example.com");
        assertThat(route.getSpec().getParentRefs()).singleElement().satisfies(p -> assertThat(p.getName()).isEqualTo("public"));
        assertThat(streaming.getMatches()).extracting(m -> m.getPath().getValue()).contains("/tunnel");
        assertThat(streaming.getTimeouts().getRequest()).isEqualTo("0s");
        assertThat(route.getSpec().getRules()).allSatisfy(rule -> assertThat(rule.getBackendRefs()).singleElement()
                .satisfies(ref -> {
                    assertThat(ref.getName()).isEqualTo(BROKER);
                    assertThat(ref.getPort()).isEqualTo(manifests.get(Service.class, BROKER).getSpec().getPorts().getFirst().getPort());
                }));
        assertThat(manifests.all(Ingress.class)).isEmpty();
    }

    @Test
    void aServiceMonitorScrapesTheBrokersPrometheusEndpoint() {
        ServiceMonitor monitor = manifests.only(ServiceMonitor.class);
        Service service = manifests.get(Service.class, BROKER);

        assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(monitor.getSpec().getSelector().getMatchLabels());
        assertThat(monitor.getSpec().getEndpoints()).singleElement().satisfies(e -> {
            assertThat(e.getPort()).isEqualTo(service.getSpec().getPorts().getFirst().getName());
            assertThat(e.getPath()).isEqualTo("/actuator/prometheus");
        });
        assertThat(env.get("MANAGEMENT_ENDPOINTS_WEB_EXPOSURE_INCLUDE")).contains("prometheus");
    }

    @Test
    void thePrometheusRuleCarriesTheGroupsOfTheShippedRulesFile() throws IOException {
        JsonNode file = new YAMLMapper().readTree(Chart.DIR.resolve("files/prometheus/deskport-alerts.yaml").toFile());
        List<RuleGroup> groups = manifests.only(PrometheusRule.class).getSpec().getGroups();

        assertThat(groups).extracting(RuleGroup::getName)
                .containsExactlyElementsOf(file.get("groups").findValuesAsText("name"));
        assertThat(groups.stream().flatMap(g -> g.getRules().stream()).map(Rule::getAlert).toList())
                .containsExactlyElementsOf(file.get("groups").findValuesAsText("alert"));
    }

    @Test
    void theGrafanaDashboardIsAConfigMapGrafanasSidecarPicksUp() throws IOException {
        ConfigMap dashboard = manifests.get(ConfigMap.class, Chart.FULLNAME + "-dashboard");
        ObjectMapper json = new ObjectMapper();

        assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        assertThat(json.readTree(dashboard.getData().get("deskport-dashboard.json")))
                .isEqualTo(json.readTree(Chart.DIR.resolve("files/grafana/deskport-dashboard.json").toFile()));
    }

    @Test
    void hypervisorsComeFromASecretTheBrokerImportsAsConfigurationWithTheirCredentialsMounted() throws IOException {
        Secret secret = manifests.get(Secret.class, Chart.FULLNAME + "-hypervisors");
        JsonNode config = new YAMLMapper().readTree(secret.getStringData().get("hypervisors.yaml"));
        JsonNode rack = config.at("/deskport/provisioning/hypervisors/0");

        assertThat(rack.get("name").asText()).isEqualTo("rack-1");
        assertThat(rack.get("driver").asText()).isEqualTo("libvirt");
        // bracketed keys keep their case when Spring binds them into the settings map
        assertThat(rack.at("/settings/[storagePool]").asText()).isEqualTo("deskport");
        assertThat(rack.at("/settings/[uri]").asText()).startsWith("qemu+ssh://");

        assertThat(env.get("SPRING_CONFIG_IMPORT")).contains("file:/etc/deskport/hypervisors/hypervisors.yaml");
        assertThat(mountedSecret("/etc/deskport/hypervisors")).isEqualTo(secret.getMetadata().getName());
        assertThat(mountedSecret("/etc/deskport/hypervisor-credentials")).isEqualTo("deskport-hypervisor-ssh");
        assertThat(egressPorts("10.40.0.0/24")).contains(22, 16509, 16514);
    }

    @Test
    void withoutAnIngressTheBrokerTakesHttpFromTheNamedNamespacesAndPrometheus() {
        NetworkPolicy policy = manifests.get(NetworkPolicy.class, BROKER);

        assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> assertThat(rule.getFrom())
                .extracting(peer -> peer.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name"))
                .containsExactlyInAnyOrder("ingress-nginx", "monitoring"));
    }

    @Test
    void brokersAndTheGatewayShareTheRecordingsVolumeAtThePathTheBrokerNames() {
        Deployment gateway = manifests.get(Deployment.class, Chart.FULLNAME + "-gateway");
        String path = env.get("DESKPORT_TUNNEL_RECORDINGDIR");

        assertThat(Pods.env(gateway)).containsEntry("DESKPORT_GATEWAY_RECORDING_DIR", path);
        for (Deployment d : List.of(broker, gateway)) {
            VolumeMount mount = Pods.container(d).getVolumeMounts().stream()
                    .filter(m -> m.getMountPath().equals(path)).findFirst().orElseThrow();
            Volume volume = d.getSpec().getTemplate().getSpec().getVolumes().stream()
                    .filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
            assertThat(volume.getPersistentVolumeClaim().getClaimName()).isEqualTo("deskport-recordings");
        }
    }

    private static String mountedSecret(String path) {
        VolumeMount mount = Pods.container(broker).getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals(path)).findFirst().orElseThrow();
        Volume volume = broker.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
        return volume.getSecret().getSecretName();
    }

    private static List<Integer> egressPorts(String cidr) {
        return manifests.get(NetworkPolicy.class, BROKER).getSpec().getEgress().stream()
                .filter(rule -> rule.getTo().stream().anyMatch(p -> p.getIpBlock() != null && p.getIpBlock().getCidr().equals(cidr)))
                .flatMap(rule -> rule.getPorts().stream()).map(p -> p.getPort().getIntVal()).toList();
    }
}
