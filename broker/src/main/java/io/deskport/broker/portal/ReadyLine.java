package io.deskport.broker.portal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import io.deskport.broker.demo.DemoProperties;

/**
 * Ends a start with one line for the person who started it: where the portal answers and where the demo
 * sign-ins are. Printed once the broker accepts traffic — after every start-up task (the demo data and
 * desktop included) — on standard output rather than through the log, so it reads as it is, last.
 */
@Component
class ReadyLine {

    private final Environment environment;
    private final DemoProperties demo;
    private final AtomicBoolean printed = new AtomicBoolean();

    ReadyLine(Environment environment, DemoProperties demo) {
        this.environment = environment;
        this.demo = demo;
    }

    @EventListener
    void on(AvailabilityChangeEvent<ReadinessState> event) {
        if (event.getState() == ReadinessState.ACCEPTING_TRAFFIC && printed.compareAndSet(false, true)) {
            System.out.println(line());
            System.out.flush();
        }
    }

    /** E.g. {@code Deskport is ready at http://127.0.0.1:8080 (demo sign-ins in data/demo-credentials.txt)}. */
    String line() {
        String port = environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"));
        String address = environment.getProperty("server.address", "");
        boolean everyInterface = address.isBlank() || address.equals("0.0.0.0") || address.equals("::")
                || address.equals("0:0:0:0:0:0:0:0");
        String host = everyInterface ? "localhost" : address.contains(":") ? "[" + address + "]" : address;
        StringBuilder line = new StringBuilder("Deskport is ready at http://").append(host).append(':').append(port);
        StringBuilder notes = new StringBuilder();
        if (everyInterface) {
            notes.append("listening on every interface");
        }
        if (demo.enabled()) {
            Path file = demo.credentialsFile().normalize();
            notes.append(notes.isEmpty() ? "" : "; ").append(Files.isRegularFile(demo.credentialsFile())
                    ? "demo sign-ins in " + file
                    : "demo sign-ins: " + file + " is missing (it is written only when the demo data is created; "
                            + "dev/run --reset starts over with new ones)");
        }
        return notes.isEmpty() ? line.toString() : line.append(" (").append(notes).append(')').toString();
    }
}
