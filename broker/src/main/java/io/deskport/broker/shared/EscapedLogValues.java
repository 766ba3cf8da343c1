package io.deskport.broker.shared;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.slf4j.helpers.MessageFormatter;

/**
 * The log message with control characters in its values escaped: a user name such as
 * {@code "alice\nINFO forged line"} is written as {@code alice\nINFO forged line} on one line, so no input
 * can forge a line of the broker's log. Only the values ({@code {}} arguments) are escaped; the message's
 * own text (banners written on purpose over several lines) and exceptions are left as they are. Installed
 * for {@code %m}, {@code %msg} and {@code %message} by {@code logback-spring.xml}.
 */
public class EscapedLogValues extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        Object[] args = event.getArgumentArray();
        if (args == null || args.length == 0) {
            return event.getFormattedMessage();
        }
        Object[] safe = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            safe[i] = a == null || a instanceof Number || a instanceof Boolean || a instanceof Throwable ? a
                    : escape(String.valueOf(a));
        }
        return MessageFormatter.basicArrayFormat(event.getMessage(), safe);
    }

    /** Control characters as visible escapes ({@code \n}, {@code \r}, {@code \t}, {@code \u001b} …). */
    static String escape(String value) {
        StringBuilder out = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || c == '\u0085') {
                if (out == null) {
                    out = new StringBuilder(value.length() + 16).append(value, 0, i);
                }
                switch (c) {
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> out.append(String.format("\\u%04x", (int) c));
                }
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? value : out.toString();
    }
}
