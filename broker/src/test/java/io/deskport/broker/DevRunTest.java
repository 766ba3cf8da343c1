package io.deskport.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code dev/run} builds before it starts the broker ({@code dev/lib/up-to-date.sh}), run against a
 * small git repository shaped like this one whose {@code mvnw} only notes how it was called and leaves
 * the jar and the portal's files behind: a second start with nothing changed builds nothing, any change
 * to a source rebuilds, the portal only when its own sources changed. And {@code --reset} never deletes
 * without a confirmation.
 */
class DevRunTest {

    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final String FULL_BUILD = "-q -B -DskipTests -pl broker -am package";
    private static final String BROKER_ONLY = FULL_BUILD + " -Dportal.skipBuild=true";

    @TempDir
    Path repo;

    @BeforeEach
    void aRepositoryLikeThisOne() throws Exception {
        write("dev/lib/up-to-date.sh", Files.readString(REPOSITORY.resolve("dev/lib/up-to-date.sh")));
        write(".gitignore", "target/\ndata/\nnode_modules/\nmvnw-calls\n");
        write("web-portal/.gitignore", "node_modules/\ndist/\n");
        write("pom.xml", "<project/>\n");
        write("broker/src/main/java/io/deskport/broker/DeskportBroker.java", "class DeskportBroker {}\n");
        write("gateway/src/main/java/Gateway.java", "class Gateway {}\n");
        write("web-portal/src/main.tsx", "export {};\n");
        write("web-portal/package-lock.json", "{}\n");
        write("mvnw", """
                #!/usr/bin/env bash
                echo "$*" >>mvnw-calls
                [ -z "${FAIL_BUILD:-}" ] || exit 1
                mkdir -p broker/target && echo jar >broker/target/deskport-broker-0.1.0-exec.jar
                case "$*" in *portal.skipBuild=true*) ;; *) mkdir -p web-portal/dist && echo '<html>' >web-portal/dist/index.html ;; esac
                """);
        Files.setPosixFilePermissions(repo.resolve("mvnw"), PosixFilePermissions.fromString("rwxr-xr-x"));
        run("git", "init", "-q");
        run("git", "add", "-A");
        run("git", "-c", "user.name=dev", "-c", "user.email=dev@example.org", "commit", "-q", "-m", "sources");
    }

    @Test
    void theFirstStartBuildsThePortalAndTheBroker() throws Exception {
        start();
        assertThat(builds()).containsExactly(FULL_BUILD);
    }

    @Test
    void aSecondStartWithNothingChangedBuildsNothing() throws Exception {
        start();
        String said = start();
        assertThat(builds()).containsExactly(FULL_BUILD);
        assertThat(said).contains("up to date, not rebuilt");
    }

    @Test
    void touchingASourceWithoutChangingItBuildsNothing() throws Exception {
        start();
        Files.setLastModifiedTime(repo.resolve("broker/src/main/java/io/deskport/broker/DeskportBroker.java"),
                FileTime.from(Instant.now().plusSeconds(60)));
        start();
        assertThat(builds()).containsExactly(FULL_BUILD);
    }

    @Test
    void aChangedJavaSourceRebuildsTheBrokerButNotThePortal() throws Exception {
        start();
        write("gateway/src/main/java/Gateway.java", "class Gateway { int frames; }\n");
        start();
        start();
        assertThat(builds()).containsExactly(FULL_BUILD, BROKER_ONLY);
    }

    @Test
    void aChangedPortalSourceRebuildsThePortalToo() throws Exception {
        start();
        write("web-portal/src/main.tsx", "export const changed = true;\n");
        start();
        assertThat(builds()).containsExactly(FULL_BUILD, FULL_BUILD);
    }

    @Test
    void aChangedLockFileRebuildsThePortalToo() throws Exception {
        start();
        write("web-portal/package-lock.json", "{\"lockfileVersion\": 3}\n");
        start();
        assertThat(builds()).containsExactly(FULL_BUILD, FULL_BUILD);
    }

    @Test
    void aNewUntrackedSourceRebuilds() throws Exception {
        start();
        write("broker/src/main/java/io/deskport/broker/NewThing.java", "class NewThing {}\n");
        start();
        assertThat(builds()).containsExactly(FULL_BUILD, BROKER_ONLY);
    }

    @Test
    void aDeletedSourceRebuilds() throws Exception {
        start();
        Files.delete(repo.resolve("gateway/src/main/java/Gateway.java"));
        start();
        assertThat(builds()).containsExactly(FULL_BUILD, BROKER_ONLY);
    }

    @Test
    void buildOutputAndIgnoredFilesRebuildNothing() throws Exception {
        start();
        write("broker/target/classes/Other.class", "x");
        write("web-portal/node_modules/react/index.js", "x");
        write("web-portal/dist/assets/extra.js", "x");
        start();
        assertThat(builds()).containsExactly(FULL_BUILD);
    }

    @Test
    void aMissingJarIsBuiltAgain() throws Exception {
        start();
        Files.delete(repo.resolve("broker/target/deskport-broker-0.1.0-exec.jar"));
        start();
        assertThat(builds()).containsExactly(FULL_BUILD, BROKER_ONLY);
    }

    @Test
    void aMissingPortalBuildIsBuiltAgainWithTheNextBrokerBuild() throws Exception {
        start();
        Files.delete(repo.resolve("web-portal/dist/index.html"));
        write("gateway/src/main/java/Gateway.java", "class Gateway { int frames; }\n");
        start();
        assertThat(builds()).containsExactly(FULL_BUILD, FULL_BUILD);
    }

    @Test
    void aFailedBuildIsTriedAgainByTheNextStart() throws Exception {
        start();
        write("gateway/src/main/java/Gateway.java", "class Gateway { broken }\n");
        ProcessResult failed = bash("FAIL_BUILD=1 deskport_build .");
        assertThat(failed.exitCode()).isNotZero();
        start();
        assertThat(builds()).containsExactly(FULL_BUILD, BROKER_ONLY, BROKER_ONLY);
    }

    @Test
    void resetDeletesNothingWithoutATerminalOrYes() throws Exception {
        write("dev/run", Files.readString(REPOSITORY.resolve("dev/run")));
        write("data/postgres/PG_VERSION", "18\n");
        ProcessResult refused = exec(List.of("bash", "dev/run", "--reset"), "y\n");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.output()).contains("add --yes");
        assertThat(repo.resolve("data/postgres/PG_VERSION")).exists();
        assertThat(builds()).as("nothing built, nothing started").isEmpty();
    }

    /** What dev/run does before it starts the broker; returns what it said. */
    private String start() throws Exception {
        ProcessResult result = bash("deskport_build .");
        assertThat(result.exitCode()).as(result.output()).isZero();
        return result.output();
    }

    private List<String> builds() throws IOException {
        Path calls = repo.resolve("mvnw-calls");
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    private ProcessResult bash(String script) throws Exception {
        return exec(List.of("bash", "-c", "set -euo pipefail; source dev/lib/up-to-date.sh; " + script), "");
    }

    private void run(String... command) throws Exception {
        ProcessResult result = exec(List.of(command), "");
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    private ProcessResult exec(List<String> command, String stdin) throws Exception {
        Process p = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(command + " did not end: " + output);
        }
        return new ProcessResult(p.exitValue(), output);
    }

    private void write(String path, String content) throws IOException {
        Path file = repo.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private record ProcessResult(int exitCode, String output) {
    }
}
