package io.deskport.broker.tunnel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.deskport.broker.brokering.SessionAccess;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.ProblemException;

/**
 * Recordings of a session (pools with {@code recordSessions}), for admins and help desk: listed and
 * downloaded as Guacamole instruction streams that {@code Guacamole.SessionRecording} plays back.
 */
@RestController
@RequestMapping("/api/v1/admin/sessions/{sessionId}/recordings")
class SessionRecordings {

    private final TunnelProperties properties;
    private final SessionAccess access;

    SessionRecordings(TunnelProperties properties, SessionAccess access) {
        this.properties = properties;
        this.access = access;
    }

    /** One recording file: one tunnel attachment of the session. */
    record RecordingFile(String name, long bytes, Instant modifiedAt) {
    }

    @GetMapping
    List<RecordingFile> list(AdminContext ctx, @PathVariable UUID sessionId) throws IOException {
        Path dir = directory(ctx, sessionId);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(sessionId + "-"))
                    .map(f -> new RecordingFile(f.getFileName().toString(), f.toFile().length(),
                            Instant.ofEpochMilli(f.toFile().lastModified())))
                    .sorted((a, b) -> a.name().compareTo(b.name()))
                    .toList();
        }
    }

    @GetMapping("/{name}")
    ResponseEntity<Resource> download(AdminContext ctx, @PathVariable UUID sessionId, @PathVariable String name) {
        Path dir = directory(ctx, sessionId);
        Path file = dir.resolve(name).normalize();
        if (!name.startsWith(sessionId + "-") || !file.getParent().equals(dir) || !Files.isRegularFile(file)) {
            throw ProblemException.notFound("Recording", name);
        }
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/vnd.glyptodon.guacamole.stream"))
                .body(new FileSystemResource(file));
    }

    private Path directory(AdminContext ctx, UUID sessionId) {
        var target = access.target(sessionId).filter(t -> t.tenantId().equals(ctx.tenantId()))
                .orElseThrow(() -> ProblemException.notFound("Session", sessionId));
        return properties.recordingDir().toAbsolutePath().normalize().resolve(target.tenantId().toString());
    }
}
