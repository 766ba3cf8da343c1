package io.deskport.broker.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The alert rules the chart ships ({@code helm/deskport/files/prometheus/deskport-alerts.yaml}), checked by the real
 * {@code promtool} (Debian {@code prometheus}, installed by {@code dev/prerequisites.sh}) and unit-tested with its test
 * file beside them, whose series make every alert fire and keep it quiet.
 */
class AlertRulesTest {

    static final Path RULES_DIR = Path.of("../helm/deskport/files/prometheus");
    static final Path RULES = RULES_DIR.resolve("deskport-alerts.yaml");
    static final Path RULE_TESTS = RULES_DIR.resolve("deskport-alerts.test.yaml");

    @Test
    void promtoolFindsTheRulesValid() throws Exception {
        Result check = promtool(RULES_DIR, "check", "rules", RULES.getFileName().toString());
        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS: " + alertNames(RULES).size() + " rules found");
    }

    @Test
    void theRulesUnitTestsPassInPromtool() throws Exception {
        Result test = promtool(RULES_DIR, "test", "rules", RULE_TESTS.getFileName().toString());
        assertThat(test.exit()).as(test.output()).isZero();
        assertThat(test.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertIsTestedFiringAndQuiet() throws Exception {
        Set<String> firing = new HashSet<>();
        Set<String> quiet = new HashSet<>();
        for (Map<String, Object> group : list(yaml(RULE_TESTS).get("tests"))) {
            for (Map<String, Object> check : list(group.get("alert_rule_test"))) {
                String name = (String) check.get("alertname");
                (list(check.get("exp_alerts")).isEmpty() ? quiet : firing).add(name);
            }
        }
        List<String> alerts = alertNames(RULES);
        assertThat(firing).as("alerts made to fire").containsAll(alerts);
        // a quiet case is either an empty expectation, or an expectation that names only some of the series given
        assertThat(quiet.size() + firing.size()).isGreaterThan(alerts.size());
    }

    /** The tests can fail: with a threshold moved, promtool's unit tests no longer pass. */
    @Test
    void aChangedThresholdFailsTheUnitTests(@TempDir Path dir) throws Exception {
        String rules = Files.readString(RULES);
        assertThat(rules).contains("deskport_hypervisor_host_up) == 0");
        Files.writeString(dir.resolve(RULES.getFileName()), rules.replace("deskport_hypervisor_host_up) == 0",
                "deskport_hypervisor_host_up) == 1"));
        Files.copy(RULE_TESTS, dir.resolve(RULE_TESTS.getFileName()));

        Result test = promtool(dir, "test", "rules", RULE_TESTS.getFileName().toString());

        assertThat(test.exit()).isNotZero();
        assertThat(test.output()).contains("DeskportHypervisorHostUnreachable");
    }

    static List<String> alertNames(Path rules) throws IOException {
        List<String> names = new ArrayList<>();
        for (Map<String, Object> group : list(yaml(rules).get("groups"))) {
            for (Map<String, Object> rule : list(group.get("rules"))) {
                names.add((String) rule.get("alert"));
            }
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value) {
        return value == null ? List.of() : (List<Map<String, Object>>) value;
    }

    private static Map<String, Object> yaml(Path file) throws IOException {
        return new Yaml().load(Files.readString(file));
    }

    record Result(int exit, String output) {
    }

    static Result promtool(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return new Result(p.exitValue(), out);
        } finally {
            p.destroyForcibly();
        }
    }
}
