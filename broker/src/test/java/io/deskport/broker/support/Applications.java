package io.deskport.broker.support;

/** Request bodies of the published applications' admin API. */
public final class Applications {

    private Applications() {
    }

    /** An application to publish: name, program, icon (a data URL or null) and arguments. */
    public static String app(String name, String command, String icon, String... arguments) {
        StringBuilder args = new StringBuilder("[");
        for (int i = 0; i < arguments.length; i++) {
            args.append(i > 0 ? "," : "").append('"').append(arguments[i].replace("\\", "\\\\").replace("\"", "\\\""))
                    .append('"');
        }
        return Api.json("name", name, "command", command, "arguments", new Api.RawJson(args + "]"), "icon", icon);
    }
}
