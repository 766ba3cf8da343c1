package io.deskport.helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;

/** The chart {@code helm/deskport}, run through the real helm (helm-java's native library). */
final class Chart {

    /** The chart's folder (the tests run in the module's folder, {@code helm/}). */
    static final Path DIR = Path.of("deskport").toAbsolutePath();
    static final String RELEASE = "prod";
    static final String NAMESPACE = "vdi";
    /** What the chart names its objects after: {@code <release>-deskport}. */
    static final String FULLNAME = RELEASE + "-deskport";

    /** The values matrix: example values files in {@code deskport/ci/}. */
    static final String MINIMAL = "minimal-values.yaml";
    static final String HA = "ha-values.yaml";
    static final String EXTERNAL_GUACD = "external-guacd-values.yaml";

    /** The Kubernetes version templates are rendered for (helm's own default is far older than the chart's floor). */
    static final String KUBE_VERSION = "v1.33.0";

    private static final YAMLMapper YAML = new YAMLMapper();

    private Chart() {
    }

    static Path values(String file) {
        return DIR.resolve("ci").resolve(file);
    }

    /** @return {@code helm template} of the chart with that values file and {@code --set}s */
    static String template(String valuesFile, Map<String, Object> sets) {
        TemplateCommand command = new Helm(DIR).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION)
                .withValuesFile(values(valuesFile));
        sets.forEach(command::set);
        return command.call();
    }

    /** @return what {@code helm install} prints after installing (a client-only dry run: NOTES.txt rendered) */
    static String installOutput(String valuesFile, Map<String, Object> sets) {
        InstallCommand command = new Helm(DIR).install().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION).withValuesFile(values(valuesFile)).clientOnly().dryRun();
        sets.forEach(command::set);
        return command.call().getOutput();
    }

    static Manifests render(String valuesFile, Map<String, Object> sets) {
        return Manifests.read(template(valuesFile, sets));
    }

    static Manifests render(String valuesFile) {
        return render(valuesFile, Map.of());
    }

    /**
     * {@code helm lint --strict} with a values file. (helm-java's lint takes no values file, and the chart's own
     * defaults name no database, which the schema refuses: so a copy of the chart whose values.yaml is the
     * defaults with the file's values merged in is linted.)
     */
    static LintResult lint(String valuesFile, Path workDir) {
        Path copy = workDir.resolve("deskport");
        copyTree(DIR, copy);
        try {
            ObjectNode merged = (ObjectNode) YAML.readTree(DIR.resolve("values.yaml").toFile());
            merge(merged, YAML.readTree(values(valuesFile).toFile()));
            YAML.writeValue(copy.resolve("values.yaml").toFile(), merged);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Helm(copy).lint().strict().call();
    }

    /** Deep merge as helm does it: maps merge key by key, anything else is replaced. */
    static void merge(ObjectNode into, JsonNode from) {
        for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode existing = into.get(field.getKey());
            if (existing instanceof ObjectNode target && field.getValue().isObject()) {
                merge(target, field.getValue());
            } else {
                into.set(field.getKey(), field.getValue());
            }
        }
    }

    static void copyTree(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
