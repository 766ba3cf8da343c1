package io.deskport.broker.tunnel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.BrowserTunnel;
import io.deskport.broker.support.TestTenant;
import io.deskport.gateway.support.XvncDesktop;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The browser's window size reaches the desktop: a {@code size} sent through the tunnel (what the portal
 * sends when the window is resized) makes a real Xvnc resize its screen, and the new size comes back.
 */
@BrokerTest
class DisplayResizeTest {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    XvncDesktop desktop;

    @AfterEach
    void stopDesktop() {
        if (desktop != null) {
            desktop.close();
        }
    }

    @Test
    void aSizeFromTheBrowserResizesTheRemoteDesktop() throws Exception {
        desktop = XvncDesktop.start(Files.createDirectories(Path.of("target", "resize-test")), 1024, 768, "resize-pw");
        TestTenant tenant = TestTenant.create(context, port, 10, 10);
        UUID pool = tenant.pool("office", "POOLED", null);
        check(tenant.admin.post("/api/v1/admin/pools/" + pool + "/desktops", json("name", "xvnc",
                "consoleHost", "127.0.0.1", "consolePort", desktop.port(), "consolePassword", "resize-pw")), 201);
        tenant.entitle(pool, tenant.user("alice"));
        Api alice = tenant.login("alice");
        String token = check(alice.post("/api/v1/pools/" + pool + "/connect"), 201).body().get("tunnel").get("token").asString();

        try (BrowserTunnel tunnel = BrowserTunnel.open(port, token, 1024, 768)) {
            assertThat(tunnel.awaitOpcode("size").getArgs()).startsWith("0", "1024", "768");
            tunnel.awaitOpcode("sync");

            tunnel.send("size", "800", "600");

            await("the desktop took the new size").atMost(Duration.ofSeconds(20)).until(() -> tunnel.received().stream()
                    .anyMatch(i -> i.getOpcode().equals("size") && i.getArgs().size() >= 3
                            && i.getArgs().get(0).equals("0") && i.getArgs().get(1).equals("800")
                            && i.getArgs().get(2).equals("600")));
            await("Xvnc's own screen is 800x600").atMost(Duration.ofSeconds(10))
                    .until(() -> desktop.run(null, "xdpyinfo").output().contains("800x600 pixels"));
        }
    }
}
