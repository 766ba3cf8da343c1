package io.deskport.broker.hosts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestPropertySource;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.brokering.SessionConsoles;
import io.deskport.broker.support.AgentProcess;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.BrowserTunnel;
import io.deskport.broker.support.LocalAccounts;
import io.deskport.broker.support.TestTenant;
import io.deskport.broker.support.XWindows;
import io.deskport.broker.support.XWindows.Window;
import io.deskport.sessionhost.desktop.SessionCgroups;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Published applications on a real session host: the agent process, real Xvnc, real xterm. The first application
 * gets a session of its own without a desktop (its window alone, at full screen, no window manager or desktop
 * process), a second one joins the same session and display, the windows follow the browser's size, and the session
 * ends once the last application exits. Checked from the X server's side (xwininfo) and the session's processes.
 */
@BrokerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestPropertySource(properties = {
        "deskport.hosts.heartbeat-interval=500ms",
        "deskport.hosts.heartbeat-timeout=3s",
        "deskport.hosts.monitor-interval=250ms",
        "deskport.hosts.report-grace=2s"})
class ApplicationSessionTest {

    private static final Duration START = Duration.ofSeconds(30);

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    SessionConsoles consoles;

    final String accountPrefix = "dpa" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36) + "-";
    TestTenant tenant;
    UUID pool;
    UUID host;
    AgentProcess agent;

    @BeforeAll
    void startAnAgent() throws IOException {
        tenant = TestTenant.create(context, port, 100, 100);
        pool = tenant.pool("apps", "SHARED", "BREADTH_FIRST");
        String name = accountPrefix + "apps";
        Api.Response created = check(tenant.admin.post("/api/v1/admin/pools/" + pool + "/session-hosts/enrolments",
                json("name", name)), 201);
        host = UUID.fromString(created.body().get("host").get("id").asString());
        agent = AgentProcess.start(port, name, created.body().get("enrolmentToken").asString(), 160, 169, accountPrefix,
                "applications.exit-grace-ms=1500");
        await().atMost(START).until(() -> check(tenant.admin.get("/api/v1/admin/session-hosts/" + host), 200)
                .body().get("state").asString().equals("AVAILABLE"));
    }

    @AfterAll
    void stopTheAgent() throws Exception {
        agent.close();
        LocalAccounts.removeAccounts(accountPrefix);
    }

    @Test
    void anApplicationRunsAloneAtFullScreenASecondJoinsItsSessionAndTheLastToExitEndsIt() throws Exception {
        UUID one = publish("Terminal one", "app-one");
        UUID two = publish("Terminal two", "app-two");
        tenant.entitle(pool, tenant.user("ann"));
        Api ann = tenant.login("ann");

        Api.Response first = check(ann.post("/api/v1/applications/" + one + "/launch"), 201);
        UUID session = UUID.fromString(first.body().get("session").get("id").asString());
        awaitReady(ann, session);
        int display = consoles.of(session).orElseThrow().port() - 5900;
        Path xauthority = agent.stateDir().resolve("sessions").resolve(session.toString()).resolve("Xauthority");
        await("the application's window").atMost(START).until(() -> viewable(display, xauthority).size() == 1);

        // one window, the application's, filling the 800x600 screen; no desktop, panel or window manager
        Window alone = viewable(display, xauthority).getFirst();
        assertThat(alone.name()).isEqualTo("app-one");
        assertThat(List.of(alone.x(), alone.y(), alone.width(), alone.height())).containsExactly(0, 0, 800, 600);
        Path cgroup = agent.sessionCgroup(session.toString());
        assertThat(commands(cgroup)).contains("Xvnc", "xterm").doesNotContain("openbox")
                .allMatch(c -> List.of("Xvnc", "xterm", "sh", "cat").contains(c));

        Api.Response second = check(ann.post("/api/v1/applications/" + two + "/launch"), 200);

        assertThat(second.body().get("reconnected").asBoolean()).isTrue();
        assertThat(UUID.fromString(second.body().get("session").get("id").asString())).isEqualTo(session);
        assertThat(consoles.of(session).orElseThrow().port() - 5900).as("the same display").isEqualTo(display);
        await("the second application's window on the same display").atMost(START)
                .until(() -> viewable(display, xauthority).size() == 2);
        assertThat(viewable(display, xauthority)).extracting(Window::name).containsExactlyInAnyOrder("app-one", "app-two");
        assertThat(viewable(display, xauthority)).allMatch(w -> w.width() == 800 && w.height() == 600);

        // the browser's size: the display follows it, and the windows follow the display
        String token = second.body().get("tunnel").get("token").asString();
        try (BrowserTunnel tunnel = BrowserTunnel.open(port, token, 800, 600)) {
            tunnel.awaitOpcode("sync");
            tunnel.send("size", "1000", "700");
            await("the windows fill the resized screen").atMost(START).until(() -> viewable(display, xauthority)
                    .stream().allMatch(w -> w.width() == 1000 && w.height() == 700));
        }

        // the first application exits: the session goes on with the second
        kill(cgroup, "app-one");
        await().atMost(START).until(() -> viewable(display, xauthority).size() == 1);
        await("the session lives on past the exit grace: one application still runs").during(Duration.ofMillis(2500))
                .atMost(Duration.ofSeconds(10)).until(() -> !state(ann, session).equals("ENDED"));

        kill(cgroup, "app-two");
        await("the last application exited: the session ends").atMost(START).until(() -> state(ann, session).equals("ENDED"));
        assertThat(check(ann.get("/api/v1/sessions/" + session), 200).body().get("endReason").asString())
                .isEqualTo("SESSION_EXITED");
        await("every process of the session ended").atMost(START).until(() -> !Files.exists(cgroup));
    }

    private UUID publish(String name, String title) {
        // the window's title names it; cat keeps the terminal's program running until the terminal is killed
        return check(tenant.admin.post("/api/v1/admin/pools/" + pool + "/applications",
                PublishedApplicationApiTest.app(name, "xterm", null, "-T", title, "-e", "cat")), 201).id();
    }

    private static String state(Api user, UUID session) {
        return check(user.get("/api/v1/sessions/" + session), 200).body().get("state").asString();
    }

    private static void awaitReady(Api user, UUID session) {
        await().atMost(START).pollInterval(Duration.ofMillis(100)).until(() -> !"PREPARING".equals(state(user, session)));
        assertThat(state(user, session)).isEqualTo("READY");
    }

    private static List<Window> viewable(int display, Path xauthority) throws IOException, InterruptedException {
        return XWindows.viewable(display, xauthority);
    }

    /** The programs of the session's processes (their {@code comm}). */
    private static List<String> commands(Path cgroup) {
        return SessionCgroups.pids(cgroup).stream().map(ApplicationSessionTest::comm).filter(c -> !c.isEmpty()).toList();
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
        } catch (IOException gone) {
            return "";
        }
    }

    /** Ends the xterm whose title is given (as closing its window would). */
    private static void kill(Path cgroup, String title) throws IOException {
        for (long pid : SessionCgroups.pids(cgroup)) {
            try {
                String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
                if (comm(pid).equals("xterm") && cmdline.contains(" " + title + " ")) {
                    new ProcessBuilder("kill", Long.toString(pid)).start();
                }
            } catch (IOException gone) {
                // ended meanwhile
            }
        }
    }
}
