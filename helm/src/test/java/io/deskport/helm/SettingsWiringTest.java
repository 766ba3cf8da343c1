package io.deskport.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * Every environment variable the chart gives the broker and the gateway is a setting they really have: a
 * {@code deskport.*} settings record of the broker (read from its sources), a placeholder of its application.yml, a
 * Spring Boot property the chart relies on, or a variable the standalone gateway's main class reads.
 */
class SettingsWiringTest {

    private static final Path BROKER_SOURCES = Path.of("../broker/src/main/java");
    private static final Path APPLICATION_YML = Path.of("../broker/src/main/resources/application.yml");
    private static final Path GATEWAY_MAIN = Path.of("../gateway/src/main/java/io/deskport/gateway/server/GatewayMain.java");

    /** Spring Boot's own properties the chart sets (documented by Spring Boot, not declared in this repository). */
    private static final List<String> SPRING_BOOT = List.of("spring.datasource.url", "spring.datasource.username",
            "spring.datasource.password", "server.shutdown", "spring.lifecycle.timeout-per-shutdown-phase",
            "spring.config.import", "management.endpoints.web.exposure.include", "spring.flyway.lock-retry-count");
    /** Read by the JVM itself. */
    private static final List<String> JVM = List.of("JAVA_TOOL_OPTIONS");

    @ParameterizedTest
    @ValueSource(strings = {Chart.MINIMAL, Chart.HA, Chart.EXTERNAL_GUACD})
    void everyVariableGivenToTheBrokerIsOneOfItsSettings(String valuesFile) throws IOException {
        Set<String> known = new HashSet<>(JVM);
        brokerSettings().forEach(name -> known.add(environmentName(name)));
        SPRING_BOOT.forEach(name -> known.add(environmentName(name)));
        known.addAll(matches(Files.readString(APPLICATION_YML), Pattern.compile("\\$\\{([A-Z_]+):")));

        Deployment broker = Chart.render(valuesFile).get(Deployment.class, Chart.FULLNAME + "-broker");

        assertThat(Pods.container(broker).getEnv()).extracting(EnvVar::getName).isNotEmpty().allSatisfy(name ->
                assertThat(known).as("a setting of the broker").contains(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {Chart.MINIMAL})
    void everyVariableGivenToTheGatewayIsReadByItsMainClass(String valuesFile) throws IOException {
        Set<String> known = new HashSet<>(JVM);
        known.addAll(matches(Files.readString(GATEWAY_MAIN), Pattern.compile("\"(DESKPORT_GATEWAY_[A-Z_]+)\"")));

        Deployment gateway = Chart.render(valuesFile).get(Deployment.class, Chart.FULLNAME + "-gateway");

        assertThat(Pods.container(gateway).getEnv()).extracting(EnvVar::getName).isNotEmpty()
                .allSatisfy(name -> assertThat(known).contains(name));
    }

    /** Spring's rule for environment variables: dots become underscores, dashes go, upper case. */
    static String environmentName(String property) {
        return property.replace("-", "").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /**
     * The broker's settings, {@code prefix.component-name} of each record annotated
     * {@code @ConfigurationProperties("prefix")} (nested records' members are left out: the chart sets none).
     */
    static Set<String> brokerSettings() throws IOException {
        Set<String> names = new HashSet<>();
        Pattern annotated = Pattern.compile("@ConfigurationProperties\\(\"([a-z.-]+)\"\\)\\s*(?:public\\s+)?record\\s+\\w+\\(");
        try (Stream<Path> files = Files.walk(BROKER_SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                Matcher m = annotated.matcher(source);
                while (m.find()) {
                    for (String component : components(source, m.end())) {
                        names.add(m.group(1) + "." + kebab(component));
                    }
                }
            }
        }
        assertThat(names).as("settings found in the broker's sources").contains("deskport.tunnel.gateway-host");
        return names;
    }

    /** The component names of a record header whose parameter list starts at {@code from}. */
    private static List<String> components(String source, int from) {
        List<String> parts = new java.util.ArrayList<>();
        int depth = 0;
        StringBuilder part = new StringBuilder();
        boolean inString = false;
        for (int i = from; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '"' && source.charAt(i - 1) != '\\') {
                inString = !inString;
            }
            if (!inString && (c == '(' || c == '<' || c == '{')) {
                depth++;
            } else if (!inString && (c == ')' || c == '>' || c == '}')) {
                if (depth == 0) {
                    parts.add(part.toString());
                    break;
                }
                depth--;
            } else if (!inString && c == ',' && depth == 0) {
                parts.add(part.toString());
                part.setLength(0);
                continue;
            }
            part.append(c);
        }
        return parts.stream().map(String::strip).filter(p -> !p.isEmpty())
                .map(p -> p.substring(p.lastIndexOf(' ') + 1)).toList();
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    private static Set<String> matches(String text, Pattern pattern) {
        Set<String> found = new HashSet<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
