package io.deskport.broker.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The top-level windows of an X display as its X server has them, read with xwininfo (Debian x11-utils). */
public final class XWindows {

    private static final Pattern CHILD = Pattern.compile("^\\s+(0x[0-9a-f]+) ", Pattern.MULTILINE);
    private static final Pattern NAME = Pattern.compile("Window id: 0x[0-9a-f]+ \"([^\"]*)\"");

    private XWindows() {
    }

    /** A top-level window: its name (title), place and size. */
    public record Window(String id, String name, int x, int y, int width, int height) {
    }

    /** The viewable (mapped) children of the display's root window. */
    public static List<Window> viewable(int display, Path xauthority) throws IOException, InterruptedException {
        List<Window> out = new ArrayList<>();
        Matcher m = CHILD.matcher(run(display, xauthority, "xwininfo", "-root", "-children"));
        while (m.find()) {
            String info = run(display, xauthority, "xwininfo", "-id", m.group(1));
            if (!info.contains("Map State: IsViewable")) {
                continue;
            }
            Matcher name = NAME.matcher(info);
            out.add(new Window(m.group(1), name.find() ? name.group(1) : "", number(info, "Absolute upper-left X"),
                    number(info, "Absolute upper-left Y"), number(info, "Width"), number(info, "Height")));
        }
        return out;
    }

    /** The root window's size, {@code WIDTHxHEIGHT}. */
    public static String screenSize(int display, Path xauthority) throws IOException, InterruptedException {
        String info = run(display, xauthority, "xwininfo", "-root");
        return number(info, "Width") + "x" + number(info, "Height");
    }

    private static int number(String info, String label) {
        Matcher m = Pattern.compile(label + ":\\s+(-?\\d+)").matcher(info);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static String run(int display, Path xauthority, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(Map.of("DISPLAY", ":" + display, "XAUTHORITY", xauthority.toString()));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }
}
