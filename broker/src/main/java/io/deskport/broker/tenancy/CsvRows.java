package io.deskport.broker.tenancy;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads CSV (RFC 4180) a record at a time: fields separated by commas, quoted with {@code "} when they hold a
 * comma, a quote ({@code ""}) or a line break; records end with CRLF or LF. Nothing is held but the record being
 * read, so a large file costs what one line costs.
 */
final class CsvRows {

    /** A field or record longer than this is refused (a missing closing quote would otherwise read the whole file). */
    static final int MAX_RECORD_CHARS = 64 * 1024;

    private final Reader in;
    private int line = 1;
    private int pushedBack = -2;

    CsvRows(Reader in) {
        this.in = in;
    }

    /** A malformed record: says on which line. */
    static final class Malformed extends IOException {
        final int line;

        Malformed(int line, String message) {
            super("line " + line + ": " + message);
            this.line = line;
        }
    }

    /** @return the line the next record starts on */
    int line() {
        return line;
    }

    /** @return the next record's fields, or null at the end (blank lines are skipped) */
    List<String> next() throws IOException {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int c = read();
        while (c == '\n' || c == '\r') {
            c = read();
        }
        if (c == -1) {
            return null;
        }
        int chars = 0;
        boolean quoted = false;
        boolean wasQuoted = false;
        while (true) {
            if (++chars > MAX_RECORD_CHARS) {
                throw new Malformed(line, "a record longer than " + MAX_RECORD_CHARS + " characters (an unclosed quote?)");
            }
            if (quoted) {
                if (c == -1) {
                    throw new Malformed(line, "a quoted field is not closed");
                }
                if (c == '"') {
                    int d = read();
                    if (d == '"') {
                        field.append('"');
                    } else {
                        quoted = false;
                        c = d;
                        continue;
                    }
                } else {
                    field.append((char) c);
                }
            } else if (c == '"' && field.isEmpty() && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
            } else if (c == '\n' || c == '\r' || c == -1) {
                if (c == '\r') {
                    int d = read();
                    if (d != '\n') {
                        pushedBack = d;
                    }
                }
                fields.add(field.toString());
                return fields;
            } else if (wasQuoted) {
                throw new Malformed(line, "text after a closing quote");
            } else {
                field.append((char) c);
            }
            c = read();
        }
    }

    private int read() throws IOException {
        int c;
        if (pushedBack != -2) {
            c = pushedBack;
            pushedBack = -2;
        } else {
            c = in.read();
        }
        if (c == '\n') {
            line++;
        }
        return c;
    }
}
