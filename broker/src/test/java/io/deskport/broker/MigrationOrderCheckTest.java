package io.deskport.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code dev/check-migrations.sh}, which {@code dev/test} (so CI) runs before the build, against a small git
 * repository with a main branch and a work branch: a branch may only add migrations numbered above every
 * version on main, and no two migrations may share a version — production runs Flyway in order.
 */
class MigrationOrderCheckTest {

    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final String DIR = "db/migrations/src/main/resources/db/migration/";

    @TempDir
    Path repo;

    private record Result(int exitCode, String output) {
    }

    @BeforeEach
    void mainWithThreeMigrations() throws Exception {
        write("dev/check-migrations.sh", Files.readString(REPOSITORY.resolve("dev/check-migrations.sh")));
        Files.setPosixFilePermissions(repo.resolve("dev/check-migrations.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String m : List.of("V1__init.sql", "V2__more.sql", "V10__tenth.sql")) {
            write(DIR + m, "select 1;\n");
        }
        run("git", "init", "-q", "-b", "main");
        commit("main");
        run("git", "checkout", "-q", "-b", "work");
    }

    @Test
    void onMainItselfThereIsNothingToRefuse() throws Exception {
        run("git", "checkout", "-q", "main");
        assertThat(check().exitCode()).isZero();
    }

    @Test
    void aNewMigrationAboveMainsHighestPasses() throws Exception {
        write(DIR + "V11__next.sql", "select 1;\n");
        commit("next");
        Result r = check();
        assertThat(r.exitCode()).as(r.output()).isZero();
    }

    @Test
    void aNewMigrationNumberedBelowMainsHighestFailsAndSaysWhatToDo() throws Exception {
        write(DIR + "V3__late.sql", "select 1;\n");
        commit("late");
        Result r = check();
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.output()).contains("V3__late.sql").contains("not above V10").contains("renumber it to V11");
    }

    @Test
    void anUncommittedMigrationIsCheckedToo() throws Exception {
        write(DIR + "V9__uncommitted.sql", "select 1;\n");
        assertThat(check().exitCode()).isNotZero();
    }

    @Test
    void twoMigrationsSharingAVersionFail() throws Exception {
        write(DIR + "V11__one.sql", "select 1;\n");
        write(DIR + "V11__other.sql", "select 1;\n");
        commit("twins");
        Result r = check();
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.output()).contains("share version 11");
    }

    @Test
    void aBranchOvertakenByMainMustRenumberItsMigration() throws Exception {
        write(DIR + "V11__mine.sql", "select 1;\n");
        commit("mine");
        run("git", "checkout", "-q", "main");
        write(DIR + "V12__theirs.sql", "select 1;\n");
        commit("theirs");
        run("git", "checkout", "-q", "work");
        // V11 was in order when the branch left main; merged now, it would land below V12 that databases have
        Result r = check();
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.output()).contains("V11__mine.sql").contains("renumber it to V13");
    }

    private Result check() throws Exception {
        return exec(List.of("dev/check-migrations.sh", "main"));
    }

    private void commit(String message) throws Exception {
        run("git", "add", "-A");
        run("git", "-c", "user.name=dev", "-c", "user.email=dev@example.org", "commit", "-q", "-m", message);
    }

    private void run(String... command) throws Exception {
        Result r = exec(List.of(command));
        assertThat(r.exitCode()).as(r.output()).isZero();
    }

    private Result exec(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(command + " did not end: " + output);
        }
        return new Result(p.exitValue(), output);
    }

    private void write(String path, String content) throws IOException {
        Path file = repo.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
