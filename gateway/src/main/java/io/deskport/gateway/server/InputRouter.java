package io.deskport.gateway.server;

import io.deskport.gateway.protocol.InstructionWriter;
import java.nio.charset.StandardCharsets;

/**
 * Routes what the viewers of a {@link VncConnection} do to its desktop, and the clipboard both ways.
 * Input reaches the desktop only from interactive viewers (a screen size only from the owner, clipboard
 * text only unless paste is disabled), and tells the connection, so that the desktop's answer (a key's
 * echo) is asked for at once; every pointer event and key is recorded, whoever sent it. The desktop's
 * clipboard goes to every viewer as a clipboard stream, unless copy is disabled.
 */
final class InputRouter {

    /** What the router needs from its connection. */
    interface Connection {
        /** @return whether the viewer opened the connection (rather than joining it) */
        boolean isOwner(Viewer viewer);

        /** Input worth an answer reached the desktop: a key press, or other input (clicks, drags, releases). */
        void inputSent(boolean keyPress);

        /** Sends instructions to every viewer (and the recording), in order with the frames. */
        void toViewers(byte[] instructions);
    }

    private static final int CLIPBOARD_STREAM = 3;
    private static final int CLIPBOARD_BLOCK = 4096;

    private final VncSettings settings;
    private final DesktopLink desktop;
    private final Recorder recorder;
    private final SyncClock clock;
    private final Connection connection;
    private volatile int lastButtons;

    InputRouter(VncSettings settings, DesktopLink desktop, Recorder recorder, SyncClock clock, Connection connection) {
        this.settings = settings;
        this.desktop = desktop;
        this.recorder = recorder;
        this.clock = clock;
        this.connection = connection;
    }

    void mouse(Viewer viewer, int x, int y, int buttons) {
        if (viewer.interactive()) {
            desktop.send(c -> c.pointer(x, y, buttons));
            // Clicks and drags are waited for; plain pointer moves are not (the cursor is drawn locally).
            if (buttons != 0 || buttons != lastButtons) {
                connection.inputSent(false);
            }
            lastButtons = buttons;
        }
        recorder.mouse(x, y, buttons, clock.next());
    }

    void key(Viewer viewer, int keysym, boolean pressed) {
        if (viewer.interactive()) {
            desktop.send(c -> c.key(keysym, pressed));
            connection.inputSent(pressed);
        }
        recorder.key(keysym, pressed, clock.next());
    }

    void resize(Viewer viewer, int width, int height) {
        if (viewer.interactive() && connection.isOwner(viewer)) {
            desktop.send(c -> c.requestDesktopSize(width, height));
        }
    }

    /** Clipboard text from a viewer, for the desktop. */
    void clipboard(Viewer viewer, String text) {
        if (viewer.interactive() && !settings.disablePaste()) {
            desktop.send(c -> c.clipboard(text));
        }
    }

    /** Clipboard text from the desktop, for every viewer. */
    void desktopClipboard(String text) {
        if (settings.disableCopy()) {
            return;
        }
        InstructionWriter w = new InstructionWriter();
        w.begin("clipboard").arg(CLIPBOARD_STREAM).arg("text/plain").end();
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        for (int pos = 0; pos < utf8.length; pos += CLIPBOARD_BLOCK) {
            w.begin("blob").arg(CLIPBOARD_STREAM).argBase64(utf8, pos, Math.min(CLIPBOARD_BLOCK, utf8.length - pos)).end();
        }
        w.begin("end").arg(CLIPBOARD_STREAM).end();
        connection.toViewers(w.toByteArray());
    }
}
