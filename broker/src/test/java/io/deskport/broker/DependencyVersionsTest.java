package io.deskport.broker;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker runs on one Spring Boot release: the newest 4.1 patch we took, and no Spring Boot module
 * held back at an older version than the rest (a pinned module silently misses the release's fixes).
 */
class DependencyVersionsTest {

    private static final Pattern BOOT_JAR = Pattern.compile("(spring-boot[a-z0-9-]*?)-(\\d+\\.\\d+\\.\\d+)\\.jar");

    @Test
    void springBootIsAtLeastTheLatestPatchWeChecked() {
        assertThat(SpringBootVersion.getVersion()).startsWith("4.1.");
        assertThat(Integer.parseInt(SpringBootVersion.getVersion().split("\\.")[2])).isGreaterThanOrEqualTo(2);
    }

    @Test
    void everySpringBootModuleOnTheClassPathHasTheParentsVersion() {
        List<String> older = new ArrayList<>();
        int seen = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Matcher m = BOOT_JAR.matcher(new File(entry).getName());
            if (m.matches()) {
                seen++;
                if (!m.group(2).equals(SpringBootVersion.getVersion())) {
                    older.add(m.group(1) + " " + m.group(2));
                }
            }
        }
        assertThat(seen).as("Spring Boot jars on the class path").isGreaterThan(10);
        assertThat(older).as("Spring Boot modules at another version than " + SpringBootVersion.getVersion()).isEmpty();
    }
}
