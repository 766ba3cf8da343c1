package io.deskport.broker.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.deskport.broker.database.EmbeddedPostgres;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.BrokerProcess;

import static java.util.stream.Collectors.toMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The first start of a broker with the demo on an empty database, then a restart on the same database (no
 * bootstrap password, so the demo creates the platform operator too): the sign-ins are in a file only its
 * owner reads, they work, the restart keeps them, and each start ends with the line that says where it is
 * ready and where the sign-ins are.
 */
class DemoSignInsTest {

    private static final String READY = "Deskport is ready at ";
    private static final Pattern SIGN_IN = Pattern.compile("organisation (\\S+)\\s+username (\\S+)\\s+password (\\S+)\\s+\\((\\w+)\\)");

    private static Path dir;
    private static EmbeddedPostgres postgres;
    private static Path signIns;
    private static Set<PosixFilePermission> modeAfterFirstStart;
    private static String signInsAfterFirstStart;
    private static String signInsAfterRestart;
    private static List<String> firstStartLog;
    private static List<String> restartLog;
    private static int firstPort;
    private static int restartPort;

    @BeforeAll
    static void startThenRestart() throws Exception {
        dir = Files.createTempDirectory(Path.of("target"), "demo-sign-ins");
        postgres = EmbeddedPostgres.start(dir.resolve("postgres"), 0);
        postgres.ensureDatabase("demo");
        signIns = dir.resolve("data").resolve("demo-credentials.txt");
        List<String> demo = List.of("--deskport.demo.enabled=true", "--deskport.demo.desktops=false",
                "--deskport.demo.credentials-file=" + signIns, "--server.address=127.0.0.1");

        try (BrokerProcess first = BrokerProcess.start("first", dir, postgres.jdbcUrl("demo"), postgres.username(),
                postgres.password(), "", demo)) {
            firstPort = first.port();
            firstStartLog = awaitReadyLine(first);
            modeAfterFirstStart = Files.getPosixFilePermissions(signIns);
            signInsAfterFirstStart = Files.readString(signIns);
            Api api = new Api(first.port());
            Map<String, String[]> accounts = accounts(signInsAfterFirstStart);
            String[] operator = accounts.get("operator");
            String[] alice = accounts.get("alice");
            assertThat(api.login(operator[0], operator[1], operator[2]).get("/api/v1/me").status())
                    .as("the operator signs in with the file's organisation and password").isEqualTo(200);
            assertThat(api.login("", alice[1], alice[2]).get("/api/v1/me").status())
                    .as("alice signs in with the organisation left empty").isEqualTo(200);
        }
        try (BrokerProcess restart = BrokerProcess.start("restart", dir, postgres.jdbcUrl("demo"), postgres.username(),
                postgres.password(), "", demo)) {
            restartPort = restart.port();
            restartLog = awaitReadyLine(restart);
            signInsAfterRestart = Files.readString(signIns);
        }
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.stop();
        }
    }

    @Test
    void theFirstStartWritesTheDemoSignInsToAFileOnlyItsOwnerCanRead() {
        assertThat(modeAfterFirstStart).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(accounts(signInsAfterFirstStart).values()).extracting(a -> a[0] + "/" + a[1] + " " + a[3])
                .containsExactlyInAnyOrder("platform/operator PLATFORM_ADMIN", "demo/admin TENANT_ADMIN",
                        "demo/helpdesk HELPDESK", "demo/alice USER", "demo/bob USER");
    }

    @Test
    void theLogNamesTheFileInsteadOfShowingThePasswords() {
        String[] alice = accounts(signInsAfterFirstStart).get("alice");
        assertThat(String.join("\n", firstStartLog)).contains("sign-ins (change these passwords) are in " + signIns.normalize())
                .doesNotContain(alice[2]);
    }

    @Test
    void aRestartKeepsTheFileAsItIs() throws Exception {
        assertThat(signInsAfterRestart).isEqualTo(signInsAfterFirstStart);
        assertThat(Files.getPosixFilePermissions(signIns)).isEqualTo(modeAfterFirstStart);
    }

    @Test
    void aStartEndsWithTheAddressAndWhereTheSignInsAre() {
        String expected = READY + "http://127.0.0.1:%d (demo sign-ins in " + signIns.normalize() + ")";
        assertThat(firstStartLog.getLast()).isEqualTo(expected.formatted(firstPort));
        assertThat(restartLog.getLast()).isEqualTo(expected.formatted(restartPort));
    }

    /** The log up to and including the ready line, once it is there; the start-up's own lines all come before it. */
    private static List<String> awaitReadyLine(BrokerProcess broker) throws Exception {
        broker.awaitHealthy(Duration.ofSeconds(120));
        await("the ready line").atMost(Duration.ofSeconds(60))
                .until(() -> Files.readAllLines(broker.log()).stream().anyMatch(l -> l.startsWith(READY)));
        List<String> log = Files.readAllLines(broker.log());
        int ready = 0;
        while (!log.get(ready).startsWith(READY)) {
            ready++;
        }
        assertThat(log.subList(0, ready)).as("what the start logged before the ready line")
                .anyMatch(l -> l.contains("Started DeskportBroker"));
        return log.subList(0, ready + 1);
    }

    /** username → {organisation, username, password, role}, from the sign-ins file. */
    private static Map<String, String[]> accounts(String file) {
        return file.lines().map(SIGN_IN::matcher).filter(Matcher::find)
                .map(m -> new String[] {m.group(1), m.group(2), m.group(3), m.group(4)})
                .collect(toMap(a -> a[1], a -> a));
    }
}
