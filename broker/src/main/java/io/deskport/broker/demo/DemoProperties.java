package io.deskport.broker.demo;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Demo data settings ({@code deskport.demo.*}); documented in the README. (The local demo desktop's
 * settings, {@code deskport.demo.local-desktop*}, are read by the demo desktop itself.)
 *
 * @param enabled         create the demo tenant, its accounts and pools on the first start of an empty database
 * @param consoleHost     console address of the demo desktops until a local demo desktop takes them over
 * @param consolePortBase first of the six console ports of the demo desktops and session host
 * @param credentialsFile where the first start writes the demo sign-ins (mode 0600); kept as it is afterwards,
 *                        beside the embedded database in {@code ./data} by default
 */
@ConfigurationProperties("deskport.demo")
public record DemoProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("127.0.0.1") String consoleHost,
        @DefaultValue("5901") int consolePortBase,
        @DefaultValue("./data/demo-credentials.txt") Path credentialsFile) {
}
