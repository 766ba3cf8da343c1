package io.deskport.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.marcnuri.helm.LintResult;

/** {@code helm lint --strict} passes for every values file of the matrix. */
class ChartLintTest {

    @ParameterizedTest
    @ValueSource(strings = {Chart.MINIMAL, Chart.HA, Chart.EXTERNAL_GUACD})
    void theChartLintsCleanWith(String valuesFile, @TempDir Path work) {
        LintResult result = Chart.lint(valuesFile, work);

        assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }
}
