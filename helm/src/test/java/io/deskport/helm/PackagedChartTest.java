package io.deskport.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.marcnuri.helm.Helm;

/** {@code helm package}: the chart ships its rules and dashboard, not the rules' promtool unit tests. */
class PackagedChartTest {

    @Test
    void promtoolTestsBesideTheRulesAreLeftOutOfThePackage(@TempDir Path work) throws IOException {
        Path chart = work.resolve("deskport");
        Chart.copyTree(Chart.DIR, chart);
        Files.writeString(chart.resolve("files/prometheus/deskport-alerts.test.yaml"), "rule_files: [deskport-alerts.yaml]\n");

        new Helm(chart).packageIt().withDestination(work).call();

        List<String> entries = tarEntries(work.resolve("deskport-0.1.0.tgz"));
        assertThat(entries).contains("deskport/files/prometheus/deskport-alerts.yaml",
                "deskport/files/grafana/deskport-dashboard.json", "deskport/values.schema.json");
        assertThat(entries).noneMatch(e -> e.endsWith(".test.yaml"));
    }

    /** The names in a .tgz (ustar headers: the name is the header's first 100 bytes, the size octal at 124). */
    private static List<String> tarEntries(Path tgz) throws IOException {
        List<String> names = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz))) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String name = new String(header, 0, 100).trim().replace("\0", "");
                String prefix = new String(header, 345, 155).trim().replace("\0", "");
                long size = Long.parseLong(new String(header, 124, 12).trim().replace("\0", ""), 8);
                if (header[156] == '0' || header[156] == 0) {
                    names.add(prefix.isEmpty() ? name : prefix + "/" + name);
                }
                in.skipNBytes((size + 511) / 512 * 512);
            }
        }
        return names;
    }
}
