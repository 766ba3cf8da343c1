package io.deskport.sessionhost.desktop;

import java.util.List;

/**
 * A published application as the broker asks for it: the program and its arguments (run directly, no shell), and
 * the directory to start it in (null: the user's home).
 */
public record Application(String id, String name, String command, List<String> arguments, String workingDirectory) {

    public Application {
        arguments = arguments == null ? List.of() : List.copyOf(arguments);
    }

    /** @return the program and its arguments */
    List<String> argv() {
        List<String> argv = new java.util.ArrayList<>();
        argv.add(command);
        argv.addAll(arguments);
        return argv;
    }
}
