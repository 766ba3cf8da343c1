package io.deskport.broker.shared;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * One list of the admin API, paged by keyset: every list answers the same way ({@link PageParams}: {@code limit},
 * {@code cursor}, {@code sort}; {@link Page}: a {@code Link rel="next"} and the total), and a deep page costs what
 * the first one does — the next page starts after the last row's sort value and id ({@code (sort, id) > (?, ?)}
 * against an index on them), never with an {@code OFFSET} that reads and throws away every row before it. Rows
 * inserted between two pages neither shift nor repeat the rows that follow: a row is on the page its own sort
 * value puts it on.
 *
 * <p>A listing names the rows ({@code from}), their columns, the unique id that breaks ties, and the sort keys it
 * offers (the first is the default); the caller adds the filters ({@link Where}). Each module builds its
 * listings over its own tables and the read models others publish.
 *
 * @param <T> what a row becomes
 */
public final class Listing<T> {

    /** Counts beyond this are reported as "at least" ({@code X-Total-Count-Exact: false}). */
    public static final int EXACT_COUNT_UP_TO = 10_000;

    /** How a sort value travels in a cursor. */
    public enum Kind { TEXT, TIME, NUMBER, UUID }

    /** A sort key: its name in the API, its SQL expression (never null in any row), how its value travels. */
    public record SortKey(String name, String expression, Kind kind) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String select;
    private final String from;
    private final String id;
    private final Kind idKind;
    private final Map<String, SortKey> sorts;
    private final String defaultSort;
    private final RowMapper<T> mapper;

    private Listing(String select, String from, String id, Kind idKind, Map<String, SortKey> sorts, String defaultSort,
                    RowMapper<T> mapper) {
        this.select = select;
        this.from = from;
        this.id = id;
        this.idKind = idKind;
        this.sorts = sorts;
        this.defaultSort = defaultSort;
        this.mapper = mapper;
    }

    /**
     * @param select the columns, e.g. {@code d.id, d.name, …}
     * @param from the rows: a table or view with joins, e.g. {@code desktop d join pools_pools p on …}
     * @param id the unique column (or expression) that breaks ties between equal sort values, and how its value
     *           travels
     */
    public static <T> Builder<T> of(String select, String from, String id, Kind idKind, RowMapper<T> mapper) {
        return new Builder<>(select, from, id, idKind, mapper);
    }

    /** Builds a {@link Listing}. */
    public static final class Builder<T> {
        private final String select;
        private final String from;
        private final String id;
        private final Kind idKind;
        private final RowMapper<T> mapper;
        private final Map<String, SortKey> sorts = new LinkedHashMap<>();
        private String defaultSort;

        private Builder(String select, String from, String id, Kind idKind, RowMapper<T> mapper) {
            this.select = select;
            this.from = from;
            this.id = id;
            this.idKind = idKind;
            this.mapper = mapper;
        }

        /** Offers a sort key (ascending with its name, descending with {@code -name}). */
        public Builder<T> sort(String name, String expression, Kind kind) {
            sorts.put(name, new SortKey(name, expression, kind));
            return this;
        }

        /** @param sort the order of a request that names none, e.g. {@code name} or {@code -createdAt} */
        public Builder<T> defaultSort(String sort) {
            defaultSort = sort;
            return this;
        }

        public Listing<T> build() {
            if (sorts.isEmpty()) {
                throw new IllegalStateException("a listing needs a sort key");
            }
            return new Listing<>(select, from, id, idKind, Map.copyOf(sorts),
                    defaultSort == null ? sorts.keySet().iterator().next() : defaultSort, mapper);
        }
    }

    /** The sort keys this listing offers, for error messages and documentation. */
    public List<String> sortKeys() {
        return sorts.keySet().stream().sorted().toList();
    }

    /**
     * Reads one page.
     *
     * @throws ProblemException VALIDATION_FAILED naming {@code sort} (a key this list does not offer) or
     *         {@code cursor} (not one this list gave, or given for another sort)
     */
    public Page<T> page(JdbcClient jdbc, Where where, PageParams params) {
        String sortName = params.sort() == null || params.sort().isBlank() ? defaultSort : params.sort().strip();
        boolean descending = sortName.startsWith("-");
        SortKey key = sorts.get(descending ? sortName.substring(1) : sortName);
        if (key == null) {
            throw invalid("sort", "must be one of " + sortKeys() + " (prefix - for descending)", sortName);
        }
        int limit = params.limitOrDefault();
        StringBuilder sql = new StringBuilder("select ").append(select).append(", ").append(key.expression())
                .append(" as keyset_sort_value, ").append(id).append(" as keyset_id from ").append(from).append(" where ")
                .append(where.sql());
        List<Object> args = new ArrayList<>(where.params());
        if (params.cursor() != null && !params.cursor().isBlank()) {
            Object[] after = decode(params.cursor(), sortName, key);
            if (key.expression().equals(id)) {
                // sorted by the id itself: one comparison, which an index on (tenant, id) can start from; PostgreSQL
                // cannot use (id, id) < (?, ?) there and walked the primary key through every other tenant's rows
                sql.append(" and ").append(id).append(descending ? " < ?" : " > ?");
                args.add(after[1]);
            } else {
                sql.append(" and (").append(key.expression()).append(", ").append(id).append(descending ? ") < (?, ?)" : ") > (?, ?)");
                args.add(after[0]);
                args.add(after[1]);
            }
        }
        String direction = descending ? " desc" : " asc";
        sql.append(" order by ").append(key.expression()).append(direction).append(", ").append(id).append(direction)
                .append(" limit ?");
        args.add(limit + 1);
        List<Row<T>> rows = jdbc.sql(sql.toString()).params(args)
                .query((rs, n) -> new Row<>(mapper.mapRow(rs, n), rs.getObject("keyset_sort_value"),
                        rs.getObject("keyset_id")))
                .list();
        String next = null;
        if (rows.size() > limit) {
            Row<T> last = rows.get(limit - 1);
            next = encode(sortName, key, last.sortValue(), last.id());
            rows = rows.subList(0, limit);
        }
        Long total = null;
        boolean exact = true;
        if (params.cursor() == null || params.cursor().isBlank()) {
            long counted = jdbc.sql("select count(*) from (select 1 from " + from + " where " + where.sql() + " limit "
                    + (EXACT_COUNT_UP_TO + 1) + ") counted").params(where.params()).query(Long.class).single();
            exact = counted <= EXACT_COUNT_UP_TO;
            total = exact ? counted : EXACT_COUNT_UP_TO;
        }
        return new Page<>(rows.stream().map(Row::item).toList(), next, total, exact);
    }

    private record Row<T>(T item, Object sortValue, Object id) {
    }

    private String encode(String sortName, SortKey key, Object sortValue, Object rowId) {
        ArrayNode a = JSON.createArrayNode();
        a.add(sortName);
        a.add(travel(key.kind(), sortValue));
        a.add(travel(idKind, rowId));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(a));
    }

    private static String travel(Kind kind, Object value) {
        return switch (kind) {
            case TIME -> (value instanceof java.sql.Timestamp t ? t.toInstant()
                    : value instanceof java.time.OffsetDateTime o ? o.toInstant() : (Instant) value).toString();
            default -> String.valueOf(value);
        };
    }

    private Object[] decode(String cursor, String sortName, SortKey key) {
        try {
            JsonNode a = JSON.readTree(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
            if (!a.isArray() || a.size() != 3) {
                throw invalid("cursor", "is not a cursor of this list", null);
            }
            if (!sortName.equals(a.get(0).asString())) {
                throw invalid("cursor", "was given for sort=" + a.get(0).asString() + "; keep the sort of the page it came from",
                        null);
            }
            return new Object[] {arrive(key.kind(), a.get(1).asString()), arrive(idKind, a.get(2).asString())};
        } catch (IllegalArgumentException | JacksonException | DateTimeParseException e) {
            throw invalid("cursor", "is not a cursor of this list", null);
        }
    }

    private static Object arrive(Kind kind, String value) {
        return switch (kind) {
            case TEXT -> value;
            case TIME -> Instant.parse(value).atOffset(ZoneOffset.UTC);
            case NUMBER -> Long.parseLong(value);
            case UUID -> java.util.UUID.fromString(value);
        };
    }

    /** @return an {@code ilike} pattern matching text that contains {@code words} as they are (wildcards escaped) */
    public static String contains(String words) {
        return "%" + words.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    private static ProblemException invalid(String field, String message, Object rejected) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("field", field);
        error.put("message", message);
        if (rejected != null) {
            error.put("rejectedValue", rejected);
        }
        return new ProblemException(Reason.VALIDATION_FAILED, field + ": " + message, Map.of("errors", List.of(error)));
    }

    /**
     * The filters of one request: SQL conditions joined with {@code and}, each with its parameters. Conditions
     * whose value is null are left out, so a request filters on what it names.
     */
    public static final class Where {
        private final StringBuilder sql;
        private final List<Object> params = new ArrayList<>();

        private Where(String condition, Object... params) {
            this.sql = new StringBuilder(condition);
            this.params.addAll(List.of(params));
        }

        /** @param condition the condition every row of the list meets (its tenant, its pool), with parameters */
        public static Where of(String condition, Object... params) {
            return new Where(condition, params);
        }

        /** Adds {@code condition} with one parameter, unless the value is null. */
        public Where and(String condition, Object value) {
            return value == null ? this : add(condition, value);
        }

        /** Adds {@code condition} with a parameter made from the value, unless the value is null. */
        public <V> Where and(String condition, V value, Function<V, Object> param) {
            return value == null ? this : add(condition, param.apply(value));
        }

        /** Adds {@code condition} as it is (no parameter) when {@code when} holds. */
        public Where andIf(boolean when, String condition) {
            if (when) {
                sql.append(" and (").append(condition).append(')');
            }
            return this;
        }

        /** Adds {@code condition} with several parameters as they are. */
        public Where andAll(String condition, Object... values) {
            sql.append(" and (").append(condition).append(')');
            params.addAll(List.of(values));
            return this;
        }

        /** Free text: rows where any of the columns contains the words (case-insensitive); nothing for blank text. */
        public Where text(String text, String... columns) {
            if (text == null || text.isBlank()) {
                return this;
            }
            String pattern = contains(text);
            sql.append(" and (");
            for (int i = 0; i < columns.length; i++) {
                sql.append(i > 0 ? " or " : "").append(columns[i]).append(" ilike ?");
                params.add(pattern);
            }
            sql.append(')');
            return this;
        }

        /** A time range: {@code since} inclusive, {@code until} exclusive; either may be null. */
        public Where between(String column, Instant since, Instant until) {
            and(column + " >= ?", since, s -> s.atOffset(ZoneOffset.UTC));
            return and(column + " < ?", until, u -> u.atOffset(ZoneOffset.UTC));
        }

        private Where add(String condition, Object param) {
            sql.append(" and (").append(condition).append(')');
            params.add(param instanceof Enum<?> e ? e.name() : param instanceof UUID u ? u : param);
            return this;
        }

        /** @return the conditions, for a statement of this list (and for the benchmark that EXPLAINs it) */
        public String sql() {
            return sql.toString();
        }

        /** @return the conditions' parameters, in order */
        public List<Object> params() {
            return java.util.Collections.unmodifiableList(params);
        }
    }
}
