package io.deskport.broker.tunnel;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What crosses a shadow, in both directions. The rule is an allow list, so that an instruction nobody thought
 * of stays out:
 * <ul>
 * <li><b>browser → gateway:</b> only the frame acknowledgements ({@code sync}: the gateway paces its frames by
 * them) and keep-alives ({@code nop}). Keys, mouse, touch, clipboard, screen size, file, pipe and stream data
 * ({@code blob}, {@code end}, {@code ack}, {@code argv}) and anything unknown are dropped, so nothing the shadow
 * sends ever reaches the desktop — whatever the gateway would do with it.</li>
 * <li><b>gateway → browser:</b> everything that draws the screen, but not the user's clipboard: the clipboard
 * streams the gateway hands every viewer ({@code clipboard} and the {@code blob}s and {@code end} of its stream)
 * are left out. A shadow shows the screen, nothing else of the user's.</li>
 * </ul>
 * One filter per shadow (it remembers the clipboard streams open); not thread-safe per direction.
 */
final class ShadowFilter {

    /** The only instructions of the shadow's browser that go on to the gateway. */
    static final Set<String> FORWARDED_FROM_BROWSER = Set.of("sync", "nop");

    private final Set<String> clipboardStreams = new HashSet<>();
    private long dropped;

    /** @return whether an instruction of the shadow's browser goes on to the gateway (counted when not) */
    boolean fromBrowser(String opcode) {
        if (FORWARDED_FROM_BROWSER.contains(opcode)) {
            return true;
        }
        dropped++;
        return false;
    }

    /** @return how many of the browser's instructions were dropped so far */
    long dropped() {
        return dropped;
    }

    /** @return whether an instruction of the gateway goes on to the shadow's browser */
    boolean toBrowser(String opcode, List<String> args) {
        switch (opcode) {
            case "clipboard" -> {
                if (!args.isEmpty()) {
                    clipboardStreams.add(args.getFirst());
                }
                return false;
            }
            case "blob" -> {
                return args.isEmpty() || !clipboardStreams.contains(args.getFirst());
            }
            case "end" -> {
                return args.isEmpty() || !clipboardStreams.remove(args.getFirst());
            }
            default -> {
                return true;
            }
        }
    }
}
