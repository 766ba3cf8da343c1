package io.deskport.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** What the operator reads after {@code helm install}: where the portal is, where the first admin comes from. */
class NotesTest {

    @Test
    void theNotesNameThePortalAndHowToReadTheFirstOperatorsPassword() {
        String notes = Chart.installOutput(Chart.EXTERNAL_GUACD, Map.of());

        assertThat(notes).contains("https://deskport.example.com/")
                .contains("organisation \"platform\", user \"operator\"")
                .contains("kubectl -n vdi get secret prod-deskport-bootstrap -o jsonpath='{.data.operator-password}'")
                .doesNotContain("Keycloak");
    }

    @Test
    void withKeycloakTheNotesSayWhereAdministratorsSignIn() {
        String notes = Chart.installOutput(Chart.MINIMAL, Map.of());

        assertThat(notes).contains("through Keycloak at https://auth.example.com (realm deskport")
                .contains("PLATFORM_ADMIN");
    }

    @Test
    void withoutIngressOrRouteTheNotesSayHowToReachThePortal() {
        String notes = Chart.installOutput(Chart.MINIMAL, Map.of("ingress.enabled", false));

        assertThat(notes).contains("kubectl -n vdi port-forward service/prod-deskport-broker 8080:80")
                .doesNotContain("https://deskport.example.com/\n");
    }
}
