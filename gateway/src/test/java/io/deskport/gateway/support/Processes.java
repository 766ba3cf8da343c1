package io.deskport.gateway.support;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts external programs for tests and guarantees they are stopped again. */
public final class Processes implements AutoCloseable {

    private final List<Process> started = new ArrayList<>();
    private final Path logDirectory;

    public Processes(Path logDirectory) {
        this.logDirectory = logDirectory;
    }

    /** Starts a long-running program with extra environment, its output going to a log file. */
    public synchronized Process start(String logName, Map<String, String> env, String... command) throws IOException {
        Files.createDirectories(logDirectory);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(logDirectory.resolve(logName + ".log").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    /** Runs a short program to completion (at most 20 s) and returns its exit code and output. */
    public static Result run(Map<String, String> env, String stdin, String... command) throws IOException, InterruptedException {
        File out = File.createTempFile("gateway-test", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out);
            pb.environment().putAll(env);
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IOException("Timed out: " + String.join(" ", command));
            }
            return new Result(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8));
        } finally {
            out.delete();
        }
    }

    /** Exit code and combined output of a finished program. */
    public record Result(int exitCode, String output) {
    }

    /** Stops every started program (and its children), newest first. */
    @Override
    public synchronized void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            stop(started.get(i));
        }
        started.clear();
    }

    private static void stop(Process p) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }
}
