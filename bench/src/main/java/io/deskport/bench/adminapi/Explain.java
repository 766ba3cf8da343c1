package io.deskport.bench.adminapi;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code EXPLAIN (ANALYZE, BUFFERS)} of a statement with the values the broker binds, in both plans PostgreSQL may
 * run it with: the broker's driver (pgjdbc) turns a statement it has sent five times on a connection into a
 * server-side prepared statement, and PostgreSQL may then run it with a generic plan (one made without the values).
 * So the statement is {@code PREPARE}d with the parameter types the driver sends (a Java String travels as
 * {@code varchar}) and EXPLAINed once with {@code plan_cache_mode = force_custom_plan} and once with
 * {@code force_generic_plan}; the generic plan is printed too when its shape differs.
 */
final class Explain {

    private Explain() {
    }

    /** @return the report: the statement, its values and its plan(s) */
    static String explain(Connection c, Lists.Statement s) throws SQLException {
        StringBuilder out = new StringBuilder();
        out.append("  -- ").append(s.label()).append('\n');
        out.append("  ").append(s.sql()).append('\n');
        if (!s.params().isEmpty()) {
            List<String> shown = new ArrayList<>();
            for (int i = 0; i < s.params().size(); i++) {
                shown.add("$" + (i + 1) + "=" + Lists.describe(s.params().get(i)));
            }
            out.append("  -- values: ").append(String.join(", ", shown)).append('\n');
        }
        List<String> custom = plan(c, s, "force_custom_plan");
        for (String line : custom) {
            out.append("    ").append(line).append('\n');
        }
        if (!s.params().isEmpty()) {
            List<String> generic = plan(c, s, "force_generic_plan");
            if (!shape(generic).equals(shape(custom))) {
                out.append("    -- the generic plan (what a server-side prepared statement may switch to):\n");
                for (String line : generic) {
                    out.append("    ").append(line).append('\n');
                }
            } else {
                out.append("    -- (the generic plan has the same shape)\n");
            }
        }
        return out.toString();
    }

    private static List<String> plan(Connection c, Lists.Statement s, String mode) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            st.execute("set plan_cache_mode = " + mode);
            st.execute("deallocate all");
            StringBuilder types = new StringBuilder();
            StringBuilder values = new StringBuilder();
            for (int i = 0; i < s.params().size(); i++) {
                Object v = s.params().get(i);
                types.append(i > 0 ? ", " : "").append(type(v));
                values.append(i > 0 ? ", " : "").append(literal(v));
            }
            String sql = numbered(s.sql());
            st.execute(s.params().isEmpty() ? "prepare bench_q as " + sql : "prepare bench_q (" + types + ") as " + sql);
            try (ResultSet rs = st.executeQuery("explain (analyze, buffers) execute bench_q"
                    + (s.params().isEmpty() ? "" : "(" + values + ")"))) {
                while (rs.next()) {
                    lines.add(rs.getString(1));
                }
            } finally {
                st.execute("deallocate bench_q");
                st.execute("reset plan_cache_mode");
            }
        }
        return lines;
    }

    /** The plan's nodes (operation, index, table) without figures or conditions, to tell two plans apart. */
    private static List<String> shape(List<String> plan) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            String line = plan.get(i);
            if (i == 0 || line.contains("->")) {
                int cost = line.indexOf("  (cost=");
                out.add((cost < 0 ? line : line.substring(0, cost)).strip());
            }
        }
        return out;
    }

    private static String numbered(String sql) {
        StringBuilder out = new StringBuilder();
        int n = 0;
        boolean quoted = false;
        for (char ch : sql.toCharArray()) {
            if (ch == '\'') {
                quoted = !quoted;
            }
            if (ch == '?' && !quoted) {
                out.append('$').append(++n);
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    private static String type(Object v) {
        return switch (v) {
            case UUID u -> "uuid";
            case String s -> "varchar";
            case Boolean b -> "boolean";
            case OffsetDateTime o -> "timestamptz";
            case Long l -> "int8";
            case Integer i -> "int4";
            default -> throw new IllegalArgumentException("no SQL type for " + v.getClass());
        };
    }

    private static String literal(Object v) {
        return switch (v) {
            case Boolean b -> b.toString();
            case Long l -> l.toString();
            case Integer i -> i.toString();
            case OffsetDateTime o -> "'" + o.toInstant() + "'";
            default -> "'" + v.toString().replace("'", "''") + "'";
        };
    }
}
