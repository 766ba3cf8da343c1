package io.deskport.broker.shared;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * A report as a table, for its CSV form (RFC 4180): a header row naming the columns, then a row per line of the
 * report, each record ending with CRLF. A field is quoted when it holds a comma, a quote (written twice), a CR or
 * an LF. Times are ISO-8601 with the offset they carry (the reports give them in the tenant's time zone), empty
 * fields are values the report does not have (null). Text that a spreadsheet would take for a formula (starting
 * with {@code = + - @}, a tab or a CR) is written after a {@code '}, as OWASP advises for CSV files opened in one.
 */
public interface CsvTable {

    /** The media type of the CSV form (answered with its charset and RFC 4180's {@code header=present}). */
    String MEDIA_TYPE = "text/csv";

    /** @return the name the download is saved under ({@code Content-Disposition}), ASCII, ending in {@code .csv} */
    String csvFilename();

    /** @return the header row */
    List<String> csvColumns();

    /** @return the rows, each with a value per column */
    List<List<Object>> csvRows();

    /** @return the whole CSV document, UTF-8 */
    default byte[] csv() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        StringBuilder line = new StringBuilder(256);
        record(line, List.copyOf(csvColumns()));
        out.writeBytes(line.toString().getBytes(StandardCharsets.UTF_8));
        for (List<Object> row : csvRows()) {
            line.setLength(0);
            record(line, row);
            out.writeBytes(line.toString().getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static void record(StringBuilder line, List<?> values) {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                line.append(',');
            }
            field(line, values.get(i));
        }
        line.append("\r\n");
    }

    /** Appends one field, quoted when it must be. */
    static void field(StringBuilder line, Object value) {
        String text;
        if (value == null) {
            return;
        } else if (value instanceof OffsetDateTime t) {
            text = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t);
        } else if (!(value instanceof String)) {
            text = value.toString(); // numbers, flags, ids, enums, dates: never taken for a formula as they are
        } else {
            text = value.toString();
            if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
                text = "'" + text;
            }
        }
        boolean quote = text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\r') >= 0
                || text.indexOf('\n') >= 0;
        if (!quote) {
            line.append(text);
            return;
        }
        line.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                line.append('"');
            }
            line.append(c);
        }
        line.append('"');
    }
}
