package io.deskport.broker.tunnel;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

import org.apache.guacamole.protocol.GuacamoleInstruction;

/**
 * What a user is told while someone watches their screen (pools with {@code announceShadowing}): the portal's own
 * instruction {@code deskport-shadow,<started|ended>,<shadow id>,<viewer's display name>;}, sent down the user's
 * tunnel by whichever broker serves it. guacamole-common-js's client ignores opcodes it does not know; the portal's
 * desktop shows it.
 *
 * @param started    true when the shadow began, false when it ended
 * @param shadowId   tells one shadow from another (two agents may watch at once)
 * @param viewerName the admin's or help-desk agent's display name
 */
record ShadowNotice(boolean started, UUID shadowId, String viewerName) {

    /** The opcode of the instruction, which no Guacamole server sends. */
    static final String OPCODE = "deskport-shadow";

    /** @return the instruction for the user's browser */
    String instruction() {
        return new GuacamoleInstruction(OPCODE, started ? "started" : "ended", shadowId.toString(), viewerName).toString();
    }

    /** @return the notice as a NOTIFY payload: {@code started|ended <shadow id> <base64url name>} */
    String encode() {
        return (started ? "started" : "ended") + " " + shadowId + " "
                + Base64.getUrlEncoder().withoutPadding().encodeToString(viewerName.getBytes(StandardCharsets.UTF_8));
    }

    /** @return the notice of a NOTIFY payload, or empty when it is not one */
    static Optional<ShadowNotice> decode(String[] parts, int from) {
        if (parts.length != from + 3 || !(parts[from].equals("started") || parts[from].equals("ended"))) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ShadowNotice(parts[from].equals("started"), UUID.fromString(parts[from + 1]),
                    new String(Base64.getUrlDecoder().decode(parts[from + 2]), StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
