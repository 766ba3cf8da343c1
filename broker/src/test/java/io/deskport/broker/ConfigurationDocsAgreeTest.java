package io.deskport.broker;

import java.io.IOException;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's settings table says what the code does: every {@code deskport.*} setting it lists under the prefix of
 * one of the broker's typed settings records ({@code @ConfigurationProperties}) is a component of that record, and
 * the default the README gives is the record's {@code @DefaultValue}. (Settings read outside such records, like
 * {@code deskport.database.embedded.*}, are not checked here.)
 */
class ConfigurationDocsAgreeTest {

    /** A table row: {@code | `name`, `.sibling` | `default`, `default` | meaning |}. */
    private static final Pattern ROW = Pattern.compile("^\\| (`deskport\\.[^|]*) \\| ([^|]*) \\|");
    private static final Pattern TICKED = Pattern.compile("`([^`]*)`");

    @Test
    void everyDefaultTheReadmeGivesIsTheCodes() throws Exception {
        Map<String, String> code = defaultsInCode();
        Map<String, String> readme = defaultsInReadme(Path.of("../README.md"));
        assertThat(readme).as("the README's settings table was read").hasSizeGreaterThan(20);

        Map<String, String> unknown = new TreeMap<>();
        Map<String, String> different = new TreeMap<>();
        for (Map.Entry<String, String> documented : readme.entrySet()) {
            String name = documented.getKey();
            if (!coveredByARecord(name, code)) {
                continue;
            }
            if (!code.containsKey(name)) {
                unknown.put(name, documented.getValue());
            } else if (!normalised(code.get(name)).equals(normalised(documented.getValue()))) {
                different.put(name, "README " + documented.getValue() + ", code " + code.get(name));
            }
        }
        assertThat(unknown).as("settings the README lists that no settings record has").isEmpty();
        assertThat(different).as("defaults the README gives that are not the code's").isEmpty();
    }

    @Test
    void theReadmeParserReadsSiblingsAndListsOfDefaults() {
        Map<String, String> read = new LinkedHashMap<>();
        row("| `deskport.tunnel.gateway-host`, `gateway-port` | `127.0.0.1`, `4822` | the remote gateway |", read);
        row("| `deskport.database.reconnect.retry-interval`, `.patience` | `100ms`, `2s` | … |", read);
        row("| `deskport.sessions.max-concurrent-connects` | `0` (= twice the processors) | … |", read);
        row("| `deskport.bootstrap.operator-password` | unset | … |", read);
        assertThat(read).containsExactly(
                Map.entry("deskport.tunnel.gateway-host", "127.0.0.1"), Map.entry("deskport.tunnel.gateway-port", "4822"),
                Map.entry("deskport.database.reconnect.retry-interval", "100ms"),
                Map.entry("deskport.database.reconnect.patience", "2s"),
                Map.entry("deskport.sessions.max-concurrent-connects", "0"),
                Map.entry("deskport.bootstrap.operator-password", ""));
    }

    /** The README gives {@code 1MB}, {@code 10.0.0.0/8,172.16.0.0/12}; the code the same, maybe with spaces. */
    private static String normalised(String value) {
        return value.replace(" ", "");
    }

    private static boolean coveredByARecord(String name, Map<String, String> code) {
        String prefix = name.substring(0, name.lastIndexOf('.') + 1);
        return code.keySet().stream().anyMatch(k -> k.startsWith(prefix) && k.indexOf('.', prefix.length()) < 0);
    }

    private static Map<String, String> defaultsInCode() throws ReflectiveOperationException {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        Map<String, String> defaults = new TreeMap<>();
        for (BeanDefinition found : scanner.findCandidateComponents("io.deskport")) {
            Class<?> type = ClassUtils.forName(found.getBeanClassName(), ConfigurationDocsAgreeTest.class.getClassLoader());
            ConfigurationProperties settings = type.getAnnotation(ConfigurationProperties.class);
            String prefix = settings.prefix().isEmpty() ? settings.value() : settings.prefix();
            if (!type.isRecord()) {
                continue;
            }
            // @DefaultValue is a parameter annotation: on a record it lands on the canonical constructor's parameters
            RecordComponent[] components = type.getRecordComponents();
            Parameter[] parameters = type.getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new)).getParameters();
            for (int i = 0; i < components.length; i++) {
                DefaultValue value = parameters[i].getAnnotation(DefaultValue.class);
                String name = prefix + "." + kebab(components[i].getName());
                defaults.put(name, value == null ? "" : String.join(",", value.value()));
            }
        }
        assertThat(defaults).as("the settings records were found").containsKey("deskport.sessions.admission-wait");
        return defaults;
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    private static Map<String, String> defaultsInReadme(Path readme) throws IOException {
        Map<String, String> defaults = new LinkedHashMap<>();
        for (String line : Files.readAllLines(readme)) {
            row(line, defaults);
        }
        return defaults;
    }

    /**
     * Reads one row: the names in the first cell ({@code .x} and {@code x} after the first are its siblings), the
     * defaults in the second, in the same order (a cell without a ticked value is "no default").
     */
    private static void row(String line, Map<String, String> into) {
        Matcher row = ROW.matcher(line);
        if (!row.find()) {
            return;
        }
        List<String> names = ticked(row.group(1));
        List<String> values = ticked(row.group(2));
        String first = names.getFirst();
        String parent = first.substring(0, first.lastIndexOf('.'));
        for (int i = 0; i < names.size(); i++) {
            String name = i == 0 ? first : parent + "." + names.get(i).replaceFirst("^\\.", "");
            into.put(name, values.size() == names.size() ? values.get(i) : values.isEmpty() ? "" : values.getFirst());
        }
    }

    private static List<String> ticked(String cell) {
        List<String> out = new ArrayList<>();
        Matcher m = TICKED.matcher(cell);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
