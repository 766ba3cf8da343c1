package io.deskport.sessionhost;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The per-host credential the broker issued at enrolment, kept in {@code <state.dir>/credential}: created
 * with mode 0600 (never readable by anyone but the agent's user, not even for a moment), and refused at
 * load when its permissions have been widened.
 */
public final class Credentials {

    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The host this agent is, and the secret that proves it. */
    public record Credential(UUID hostId, String hostName, String secret) {

        @Override
        public String toString() {
            return "Credential[hostId=" + hostId + ", hostName=" + hostName + "]"; // never print the secret
        }
    }

    private final Path file;

    public Credentials(Path stateDir) {
        this.file = stateDir.resolve("credential");
    }

    public Path file() {
        return file;
    }

    public Optional<Credential> load() throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (!OWNER_ONLY.containsAll(perms)) {
            throw new IOException(file + " is readable by others (" + PosixFilePermissions.toString(perms)
                    + "); fix it with chmod 600 or enrol again");
        }
        JsonNode n = JSON.readTree(Files.readString(file));
        return Optional.of(new Credential(UUID.fromString(n.get("hostId").asString()), n.get("hostName").asString(),
                n.get("credential").asString()));
    }

    public void store(Credential c) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling("credential.tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        String json = JSON.writeValueAsString(java.util.Map.of("hostId", c.hostId().toString(), "hostName", c.hostName(),
                "credential", c.secret()));
        Files.writeString(tmp, json, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
