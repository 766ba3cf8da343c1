package io.deskport.broker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.deskport.broker.shared.Tables;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Module boundaries in SQL: every table of the migrations belongs to exactly one module (its package-info's
 * {@link Tables}), every view is a read model exactly one module publishes, and a module's SQL — every string
 * literal of its main sources — names only the tables it owns and published views. No public method takes SQL
 * text: no module passes SQL to another.
 */
class TableOwnershipTest {

    private static final Path SOURCES = Path.of("src/main/java/io/deskport/broker");
    private static final Path MIGRATIONS = Path.of("../db/migrations/src/main/resources/db/migration");
    private static final Pattern CREATE_TABLE = Pattern.compile("create\\s+(?:unlogged\\s+)?table\\s+(?:if\\s+not\\s+exists\\s+)?([a-z_]+)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern CREATE_VIEW = Pattern.compile("create\\s+(?:or\\s+replace\\s+)?view\\s+([a-z_]+)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern STRING_LITERAL = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");
    /** Where SQL names a relation (names are lower case here: "for update" + "Session host" is not SQL). */
    private static final Pattern RELATION = Pattern.compile("\\b(?i:from|join|into|update|table)\\s+([a-z_][a-z0-9_]*)\\b");
    private static final Pattern SQL_PARAMETER = Pattern.compile(
            "public\\s+[^;{=]*\\([^)]*\\bString\\s+\\w*(?:sql|Sql|SQL)\\w*");

    static Set<String> tables;
    static Set<String> views;
    static Map<String, String> tableOwner;
    static Map<String, String> viewPublisher;
    static List<String> modules;

    @BeforeAll
    static void readMigrationsAndModules() throws Exception {
        tables = new TreeSet<>();
        views = new TreeSet<>();
        try (Stream<Path> files = Files.list(MIGRATIONS)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".sql")).toList()) {
                String sql = Files.readString(f);
                CREATE_TABLE.matcher(sql).results().forEach(m -> tables.add(m.group(1).toLowerCase()));
                CREATE_VIEW.matcher(sql).results().forEach(m -> views.add(m.group(1).toLowerCase()));
            }
        }
        modules = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(SOURCES)) {
            dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().forEach(modules::add);
        }
        tableOwner = new TreeMap<>();
        viewPublisher = new TreeMap<>();
        List<String> clashes = new ArrayList<>();
        for (String module : modules) {
            Tables declared = tablesOf(module);
            if (declared == null) {
                continue;
            }
            for (String t : declared.owns()) {
                String before = tableOwner.put(t, module);
                if (before != null) {
                    clashes.add("table " + t + " owned by both " + before + " and " + module);
                }
            }
            for (String v : declared.publishes()) {
                String before = viewPublisher.put(v, module);
                if (before != null) {
                    clashes.add("view " + v + " published by both " + before + " and " + module);
                }
            }
        }
        assertThat(clashes).as("one owner per table and view").isEmpty();
    }

    private static Tables tablesOf(String module) {
        try {
            return Class.forName("io.deskport.broker." + module + ".package-info").getAnnotation(Tables.class);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    @Test
    void everyTableHasOneOwningModuleAndEveryViewIsPublishedByOne() {
        assertThat(tables).as("tables of the migrations").contains("session", "desktop", "app_user");
        assertThat(tableOwner.keySet()).as("tables owned by a module").containsExactlyInAnyOrderElementsOf(tables);
        assertThat(viewPublisher.keySet()).as("views published by a module").containsExactlyInAnyOrderElementsOf(views);
    }

    @Test
    void aModulesSqlNamesOnlyItsOwnTablesAndPublishedViews() throws IOException {
        Map<String, List<String>> violations = violations(SOURCES);
        assertThat(violations).as("SQL naming another module's table (read its published view or its API instead)")
                .isEmpty();
    }

    @Test
    void noPublicMethodTakesSqlText() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            // shared's WritesWithCommit takes SQL as JdbcClient does: the caller's own, about its own tables
            // (checked above as the caller's literals), run in the caller's transaction
            for (Path f : files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.startsWith(SOURCES.resolve("shared"))).toList()) {
                Matcher m = SQL_PARAMETER.matcher(Files.readString(f));
                while (m.find()) {
                    found.add(SOURCES.relativize(f) + ": " + m.group().replaceAll("\\s+", " "));
                }
            }
        }
        assertThat(found).as("public methods taking SQL text").isEmpty();
    }

    /** Per module source file, each relation its SQL names that it neither owns nor may read as a published view. */
    static Map<String, List<String>> violations(Path sources) throws IOException {
        Map<String, List<String>> violations = new TreeMap<>();
        for (String module : modules) {
            try (Stream<Path> files = Files.walk(sources.resolve(module))) {
                for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    StringBuilder literals = new StringBuilder();
                    STRING_LITERAL.matcher(Files.readString(f)).results().forEach(m -> literals.append(m.group(1)).append(' '));
                    Matcher m = RELATION.matcher(literals);
                    Map<String, String> seen = new HashMap<>();
                    while (m.find()) {
                        String name = m.group(1);
                        if (tables.contains(name) && !module.equals(tableOwner.get(name))) {
                            seen.put(name, "table " + name + " of " + tableOwner.get(name));
                        } else if (!tables.contains(name) && name.contains("_") && !views.contains(name)
                                && looksLikeARelation(name)) {
                            seen.put(name, "unknown relation " + name);
                        }
                    }
                    if (!seen.isEmpty()) {
                        violations.put(module + "/" + sources.resolve(module).relativize(f), new ArrayList<>(seen.values()));
                    }
                }
            }
        }
        return violations;
    }

    /** A view-like name (module prefix) that is not among the published views: a typo or an unpublished view. */
    private static boolean looksLikeARelation(String name) {
        return modules.stream().anyMatch(m -> name.startsWith(m + "_"));
    }
}
