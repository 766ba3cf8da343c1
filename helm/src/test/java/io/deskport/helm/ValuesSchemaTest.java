package io.deskport.helm;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** values.schema.json refuses bad values before anything is rendered, naming the value at fault. */
class ValuesSchemaTest {

    @Test
    void zeroBrokerReplicasAreRefused() {
        assertThatThrownBy(() -> Chart.template(Chart.MINIMAL, Map.of("broker.replicas", 0)))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("/broker/replicas")
                .hasMessageContaining("minimum");
    }

    @Test
    void anUnknownDatabaseModeIsRefused() {
        assertThatThrownBy(() -> Chart.template(Chart.MINIMAL, Map.of("postgresql.mode", "mysql")))
                .hasMessageContaining("/postgresql/mode")
                .hasMessageContaining("external")
                .hasMessageContaining("cloudnativepg");
    }

    @Test
    void anExternalDatabaseWithoutItsUrlIsRefused() {
        assertThatThrownBy(() -> Chart.template(Chart.MINIMAL, Map.of("postgresql.external.url", "")))
                .hasMessageContaining("/postgresql/external/url");
    }

    @Test
    void anExternalGuacdWithoutItsHostIsRefused() {
        assertThatThrownBy(() -> Chart.template(Chart.EXTERNAL_GUACD, Map.of("gateway.external.host", "")))
                .hasMessageContaining("/gateway/external/host");
    }

    @Test
    void theChartsOwnDefaultsAskForTheDatabase() {
        assertThatThrownBy(() -> new com.marcnuri.helm.Helm(Chart.DIR).template().withKubeVersion(Chart.KUBE_VERSION).call())
                .hasMessageContaining("/postgresql/external/url");
    }
}
