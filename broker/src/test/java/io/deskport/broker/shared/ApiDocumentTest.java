package io.deskport.broker.shared;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springdoc.core.properties.SwaggerUiConfigProperties;
import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document ({@code /v3/api-docs}) against the broker's own handler methods: every operation the
 * broker serves is in the document, with a security scheme unless it is one of the open ones, the problem
 * answers it can give (each naming the reasons that go with its status), and exactly the parameters its handler
 * takes — none of the server-side ones ({@link AdminContext}, {@link CurrentUser}, the agent's principal, the
 * servlet request). And the Swagger UI at {@code /api}: for signed-in admins, reading that document.
 */
@BrokerTest
class ApiDocumentTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String PROBLEM_JSON = "application/problem+json";
    private static final String MERGE_PATCH = "application/merge-patch+json";
    /** The portal's HttpOnly sign-in cookie (identity.SecurityConfiguration.TOKEN_COOKIE). */
    private static final String PORTAL_COOKIE = "deskport_token";
    /** The operations anyone may call (identity.SecurityConfiguration, hosts.AgentSecurityConfiguration). */
    private static final Set<String> OPEN = Set.of("POST /api/v1/auth/login", "POST /api/v1/auth/logout",
            "GET /api/v1/auth/providers", "POST /api/v1/agent/enrol");
    /** Names the handlers give their server-side parameters: never a parameter of the document. */
    private static final Set<String> SERVER_SIDE_NAMES = Set.of("ctx", "me", "agent", "request", "response", "actor");
    private static final Set<String> SERVER_SIDE_TYPES = Set.of("AdminContext", "CurrentUser", "AgentPrincipal",
            "HttpServletRequest", "HttpServletResponse");
    private static final Pattern REASON_NAME = Pattern.compile("\\b[A-Z][A-Z_]{2,}[A-Z]\\b");
    private static final Pattern CONFIGURATION_RESOURCE = Pattern.compile("/api/v1/admin/(tenants|users|groups|pools)/\\{id}");

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    TestTenant tenant;
    JsonNode doc;

    @BeforeEach
    void readTheDocument() throws Exception {
        tenant = TestTenant.create(context, port, 10, 10);
        Api.Response r = check(tenant.anonymous.get("/v3/api-docs"), 200);
        doc = r.body();
        Path copy = Path.of("target", "api-docs.json");
        Files.createDirectories(copy.getParent());
        Files.writeString(copy, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
    }

    /** One operation of the broker: its handler methods (two for a PATCH that also takes a merge patch). */
    private record Served(String method, String path, List<HandlerMethod> handlers) {

        String key() {
            return method + " " + path;
        }
    }

    /** Every operation the broker's own controllers serve, from Spring MVC's handler mapping. */
    private Map<String, Served> served() {
        Map<String, Served> ops = new LinkedHashMap<>();
        for (RequestMappingHandlerMapping mapping : context.getBeansOfType(RequestMappingHandlerMapping.class).values()) {
            for (Map.Entry<RequestMappingInfo, HandlerMethod> e : mapping.getHandlerMethods().entrySet()) {
                HandlerMethod h = e.getValue();
                if (!h.getBeanType().getName().startsWith("io.deskport.")) {
                    continue; // springdoc's own (the document, the Swagger UI's redirect)
                }
                Set<String> paths = e.getKey().getPatternValues();
                if (paths.equals(Set.of("/error"))) {
                    continue; // the servlet container's error dispatch, not an operation of the API
                }
                Set<RequestMethod> methods = e.getKey().getMethodsCondition().getMethods();
                assertThat(methods).as("%s maps every HTTP method", h).isNotEmpty();
                for (String path : paths) {
                    for (RequestMethod m : methods) {
                        ops.computeIfAbsent(m.name() + " " + path, k -> new Served(m.name(), path, new ArrayList<>()))
                                .handlers().add(h);
                    }
                }
            }
        }
        assertThat(ops).as("the broker's operations").hasSizeGreaterThan(50);
        return ops;
    }

    @Test
    void everyOperationHasItsSecurityItsProblemAnswersAndExactlyTheParametersItsHandlerTakes() {
        Map<String, Served> served = served();
        List<String> failures = new ArrayList<>();
        Set<String> userSchemes = new TreeSet<>();
        Set<String> agentSchemes = new TreeSet<>();

        Set<String> documented = new TreeSet<>();
        for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                String key = op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
                if (Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE").contains(
                        op.getKey().toUpperCase(Locale.ROOT))) {
                    documented.add(key);
                    if (!served.containsKey(key)) {
                        failures.add(key + ": in the document, but no handler of the broker serves it");
                    }
                }
            }
        }

        for (Served s : served.values()) {
            String key = s.key();
            JsonNode op = doc.get("paths").path(s.path()).path(s.method().toLowerCase(Locale.ROOT));
            if (op.isMissingNode()) {
                failures.add(key + ": served by " + s.handlers() + " but missing from the document");
                continue;
            }
            boolean open = OPEN.contains(key);
            boolean agent = s.path().startsWith("/api/v1/agent/");

            // security
            JsonNode security = op.has("security") ? op.get("security") : doc.path("security");
            if (!open) {
                List<String> schemes = new ArrayList<>();
                if (!security.isArray() || security.isEmpty()) {
                    failures.add(key + ": no security scheme");
                }
                for (JsonNode requirement : security) {
                    if (requirement.isEmpty()) {
                        failures.add(key + ": its security lets anonymous callers through ({})");
                    }
                    requirement.propertyNames().forEach(schemes::add);
                }
                for (String scheme : schemes) {
                    JsonNode definition = doc.path("components").path("securitySchemes").path(scheme);
                    if (!"http".equals(definition.path("type").asString("")) || !"bearer".equalsIgnoreCase(
                            definition.path("scheme").asString(""))) {
                        failures.add(key + ": security scheme " + scheme + " is not a defined bearer scheme");
                    }
                    (agent ? agentSchemes : userSchemes).add(scheme);
                }
            } else {
                for (JsonNode requirement : security) {
                    if (!requirement.isEmpty() && security.size() == 1) {
                        failures.add(key + ": an open operation demands " + requirement);
                    }
                }
            }

            // parameters: exactly what the handlers take, as the document names them
            Set<String> expected = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            Set<String> requiredByServer = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            boolean body = false;
            boolean ifMatch = false;
            for (HandlerMethod h : s.handlers()) {
                for (MethodParameter p : h.getMethodParameters()) {
                    p.initParameterNameDiscovery(new DefaultParameterNameDiscoverer());
                    Class<?> type = p.getParameterType();
                    if (p.hasParameterAnnotation(PathVariable.class)) {
                        PathVariable a = p.getParameterAnnotation(PathVariable.class);
                        String name = name(a.name(), a.value(), p);
                        expected.add("path " + name);
                        requiredByServer.add("path " + name);
                    } else if (p.hasParameterAnnotation(RequestParam.class)) {
                        RequestParam a = p.getParameterAnnotation(RequestParam.class);
                        expected.add("query " + name(a.name(), a.value(), p));
                    } else if (p.hasParameterAnnotation(RequestHeader.class)) {
                        RequestHeader a = p.getParameterAnnotation(RequestHeader.class);
                        String name = name(a.name(), a.value(), p);
                        expected.add("header " + name);
                        ifMatch |= name.equalsIgnoreCase("If-Match");
                    } else if (p.hasParameterAnnotation(RequestBody.class)) {
                        body = true;
                    } else if (type == AdminContext.class) {
                        expected.add("header " + AdminContext.TENANT_HEADER); // its only input from the request
                    } else if (type == CurrentUser.class || p.hasParameterAnnotation(AuthenticationPrincipal.class)
                            || ServletRequest.class.isAssignableFrom(type) || ServletResponse.class.isAssignableFrom(type)) {
                        continue; // server-side: resolved from the sign-in or the servlet, not sent by the client
                    } else if (BeanUtils.isSimpleValueType(type)) {
                        expected.add("query " + p.getParameterName()); // Spring binds it as a request parameter
                    } else if (p.hasParameterAnnotation(org.springdoc.core.annotations.ParameterObject.class)
                            && type.isRecord()) {
                        // a record of query parameters (filters, paging): Spring binds each component by its name
                        for (java.lang.reflect.RecordComponent c : type.getRecordComponents()) {
                            expected.add("query " + c.getName());
                        }
                    } else {
                        failures.add(key + ": parameter " + p.getParameterName() + " of " + h
                                + " is of a kind this test does not know; teach it");
                    }
                }
            }
            if (ifMatch) {
                requiredByServer.add("header If-Match"); // 428 PRECONDITION_REQUIRED without it
            }
            Set<String> inDocument = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            for (JsonNode p : op.path("parameters")) {
                String name = p.path("name").asString("");
                String where = p.path("in").asString("") + " " + name;
                inDocument.add(where);
                if (SERVER_SIDE_NAMES.contains(name)) {
                    failures.add(key + ": the document lists the server-side parameter " + where);
                } else if (!expected.contains(where)) {
                    failures.add(key + ": the document lists " + where + ", which its handler does not take");
                }
                String ref = p.path("schema").path("$ref").asString("");
                if (SERVER_SIDE_TYPES.stream().anyMatch(ref::endsWith)) {
                    failures.add(key + ": parameter " + where + " is of the server-side type " + ref);
                }
                if (requiredByServer.contains(where) && !p.path("required").asBoolean(false)) {
                    failures.add(key + ": parameter " + where + " is required but not documented so");
                }
            }
            for (String e : expected) {
                if (!inDocument.contains(e)) {
                    failures.add(key + ": its handler takes " + e + ", which the document does not list");
                }
            }
            if (body != op.has("requestBody")) {
                failures.add(key + (body ? ": takes a body the document does not describe"
                        : ": the document describes a body its handler does not take"));
            }

            // the problem answers
            Map<Integer, JsonNode> errors = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> r : op.path("responses").properties()) {
                int status = r.getKey().matches("\\d{3}") ? Integer.parseInt(r.getKey()) : 0;
                if (status >= 400) {
                    errors.put(status, resolve(r.getValue()));
                }
            }
            if (errors.isEmpty()) {
                failures.add(key + ": no documented error responses");
            }
            errors.forEach((status, response) -> failures.addAll(problemAnswer(key + " " + status, status, response)));
            Set<Integer> needed = new TreeSet<>(List.of(500, 503));
            if (!open) {
                needed.add(401);
            }
            if (!expected.isEmpty() || body) {
                needed.add(400);
            }
            if (s.path().contains("{")) {
                needed.add(404);
            }
            if (s.path().startsWith("/api/v1/admin/")) {
                needed.add(403);
            }
            if (ifMatch) {
                needed.addAll(List.of(412, 428));
            }
            if (body) {
                needed.addAll(List.of(413, 415));
            }
            for (int status : needed) {
                if (!errors.containsKey(status)) {
                    failures.add(key + ": no documented " + status + " answer");
                }
            }
        }

        assertThat(failures).as("the document against the broker's handlers (written to target/api-docs.json)").isEmpty();
        assertThat(documented).as("documented operations").hasSameSizeAs(served.keySet());
        assertThat(userSchemes).as("the users' security schemes").isNotEmpty();
        assertThat(agentSchemes).as("the agents' security schemes").isNotEmpty().doesNotContainAnyElementsOf(userSchemes);
        assertThat(doc.path("components").path("schemas").propertyNames())
                .as("no server-side type is a schema of the document").doesNotContainAnyElementsOf(SERVER_SIDE_TYPES);
    }

    @Test
    void theProblemSchemaEnumeratesEveryReasonAndEveryReasonIsADocumentedAnswer() {
        JsonNode problem = doc.path("components").path("schemas").path("Problem");
        assertThat(problem.path("properties").propertyNames()).contains("type", "title", "status", "detail", "instance",
                "reason", "errors");
        List<String> reasons = new ArrayList<>();
        problem.path("properties").path("reason").path("enum").forEach(r -> reasons.add(r.asString()));
        assertThat(reasons).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(Reason.values()).map(Enum::name).toList());
        JsonNode error = resolveSchema(problem.path("properties").path("errors").path("items"));
        assertThat(error.path("properties").propertyNames()).contains("field", "message", "rejectedValue");

        Set<Reason> named = EnumSet.noneOf(Reason.class);
        List<JsonNode> responses = new ArrayList<>();
        doc.path("components").path("responses").forEach(responses::add);
        for (JsonNode path : doc.get("paths")) {
            for (JsonNode op : path) {
                op.path("responses").forEach(r -> responses.add(resolve(r)));
            }
        }
        for (JsonNode r : responses) {
            Matcher m = REASON_NAME.matcher(r.path("description").asString(""));
            while (m.find()) {
                try {
                    named.add(Reason.valueOf(m.group()));
                } catch (IllegalArgumentException notAReason) {
                    // another capitalised word
                }
            }
        }
        assertThat(EnumSet.complementOf(EnumSet.copyOf(named))).as("reasons no documented answer names").isEmpty();
    }

    @Test
    void theConnectOperationDocumentsItsRefusals() {
        JsonNode responses = doc.path("paths").path("/api/v1/pools/{poolId}/connect").path("post").path("responses");
        Map<String, List<Reason>> refusals = Map.of("403", List.of(Reason.NOT_ENTITLED),
                "409", List.of(Reason.POOL_DISABLED, Reason.DESKTOP_UNAVAILABLE),
                "429", List.of(Reason.TENANT_QUOTA),
                "503", List.of(Reason.POOL_EXHAUSTED, Reason.HOST_CAPACITY, Reason.LICENCE_EXHAUSTED, Reason.OVERLOADED));
        refusals.forEach((status, reasons) -> {
            JsonNode r = resolve(responses.path(status));
            for (Reason reason : reasons) {
                assertThat(r.path("description").asString("")).as("connect's %s", status).contains(reason.name());
            }
        });
        assertThat(resolve(responses.path("503")).path("headers").has("Retry-After")).isTrue();

        // its example has the members of a real answer
        JsonNode created = responses.path("201").path("content").path("application/json");
        JsonNode example = created.has("example") ? created.get("example") : created.path("examples").values().stream()
                .findFirst().map(e -> e.path("value")).orElseThrow(() -> new AssertionError("no example of connect's answer"));
        java.util.UUID pool = tenant.pool("office", "POOLED", null);
        tenant.desktops(pool, 1, "READY");
        tenant.entitle(pool, tenant.user("connector"));
        JsonNode answer = check(tenant.login("connector").post("/api/v1/pools/" + pool + "/connect"), 201).body();
        assertThat(example.propertyNames()).containsExactlyInAnyOrderElementsOf(answer.propertyNames());
        for (String member : List.of("session", "tunnel")) {
            assertThat(example.get(member).propertyNames()).as(member)
                    .containsExactlyInAnyOrderElementsOf(answer.get(member).propertyNames());
        }
    }

    @Test
    void aUsersDisconnectAndLogoffDocumentThatTheyMayBeTurnedAwayAsOverloaded() {
        for (String path : List.of("/api/v1/sessions/{id}/logoff", "/api/v1/sessions/{id}/disconnect")) {
            JsonNode unavailable = resolve(doc.path("paths").path(path).path("post").path("responses").path("503"));
            assertThat(unavailable.path("description").asString("")).as(path)
                    .contains(Reason.OVERLOADED.name(), Reason.SERVICE_UNAVAILABLE.name(), "disconnects and logoffs");
            assertThat(unavailable.path("headers").has("Retry-After")).as(path).isTrue();
        }
    }

    @Test
    void patchesOfConfigurationResourcesTakeJsonOrAMergePatchNeedIfMatchAndEveryReadAnswersAnETag() {
        List<String> resources = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
            if (!CONFIGURATION_RESOURCE.matcher(path.getKey()).matches()) {
                continue;
            }
            resources.add(path.getKey());
            JsonNode patch = path.getValue().path("patch");
            assertThat(patch.path("requestBody").path("content").propertyNames()).as(path.getKey())
                    .contains("application/json", MERGE_PATCH);
            JsonNode json = patch.path("requestBody").path("content").path("application/json").path("schema");
            assertThat(patch.path("requestBody").path("content").path(MERGE_PATCH).path("schema"))
                    .as("%s: a merge patch has the partial change's members", path.getKey()).isEqualTo(json);
            JsonNode ifMatch = null;
            for (JsonNode p : patch.path("parameters")) {
                if (p.path("name").asString("").equalsIgnoreCase("If-Match")) {
                    ifMatch = p;
                }
            }
            assertThat(ifMatch).as("%s: If-Match", path.getKey()).isNotNull();
            assertThat(ifMatch.path("in").asString()).isEqualTo("header");
            assertThat(ifMatch.path("required").asBoolean()).isTrue();
            assertThat(ifMatch.path("description").asString()).contains("PRECONDITION_REQUIRED");
            for (String method : List.of("get", "patch")) {
                assertThat(path.getValue().path(method).path("responses").path("200").path("headers").has("ETag"))
                        .as("%s %s answers an ETag", method, path.getKey()).isTrue();
            }
        }
        assertThat(resources).hasSize(4);
        assertThat(doc.path("paths").path("/api/v1/admin/pools").path("get").path("responses").path("200")
                .path("headers").has("ETag")).as("a list answers no ETag").isFalse();
        assertThat(doc.path("paths").path("/api/v1/admin/pools").path("post").path("responses").path("201")
                .path("headers").has("ETag")).as("a create answers the new resource's ETag").isTrue();

        // what the document says is what the broker does
        Api.Response created = check(tenant.admin.post("/api/v1/admin/pools", Api.json("name", "etag", "kind", "POOLED")), 201);
        assertThat(created.header("ETag")).isNotBlank();
        assertThat(check(tenant.admin.get("/api/v1/admin/pools/" + created.id()), 200).header("ETag")).isNotBlank();
    }

    @Test
    void theDocumentNamesTheProductItsVersionHowToSignInAndItsExamplesAreAccepted() {
        JsonNode info = doc.path("info");
        assertThat(info.path("title").asString()).isEqualTo("Deskport broker API");
        String version = context.getBeanProvider(BuildProperties.class).getIfAvailable() == null ? null
                : context.getBean(BuildProperties.class).getVersion();
        if (version != null) {
            assertThat(info.path("version").asString()).isEqualTo(version);
        } else {
            assertThat(info.path("version").asString()).isNotBlank();
        }
        assertThat(info.path("description").asString()).contains("/api/v1/auth/login", AdminContext.TENANT_HEADER,
                PROBLEM_JSON);

        // the success statuses the handlers set themselves
        assertThat(doc.path("paths").path("/api/v1/auth/logout").path("post").path("responses").propertyNames())
                .contains("204").doesNotContain("200");
        assertThat(doc.path("paths").path("/api/v1/admin/users").path("post").path("responses").propertyNames())
                .contains("201").doesNotContain("200");

        // the examples of the main requests, sent as they are: accepted (sign-in: refused only for the password)
        JsonNode login = example(doc.path("paths").path("/api/v1/auth/login").path("post"));
        Api.Response signIn = tenant.anonymous.post("/api/v1/auth/login", login.toString());
        assertThat(signIn.status()).as(signIn.raw()).isIn(200, 401);
        JsonNode pool = example(doc.path("paths").path("/api/v1/admin/pools").path("post"));
        check(tenant.admin.post("/api/v1/admin/pools", pool.toString()), 201);
        JsonNode user = example(doc.path("paths").path("/api/v1/admin/users").path("post"));
        check(tenant.admin.post("/api/v1/admin/users", user.toString()), 201);
    }

    @Test
    void theSwaggerUiAtApiIsForSignedInAdminsAndReadsTheDocument() throws Exception {
        String adminCookie = PORTAL_COOKIE + "=" + tenant.admin.token();
        tenant.user("viewer");
        String userCookie = PORTAL_COOKIE + "=" + tenant.login("viewer").token();

        HttpResponse<String> anonymous = get("/api", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("Content-Type").orElse("")).startsWith(PROBLEM_JSON);
        assertThat(get("/api", userCookie).statusCode()).as("a user who is no admin").isEqualTo(403);
        assertThat(get("/swagger-ui/index.html", null).statusCode()).isEqualTo(401);

        // an admin signed in to the portal (its cookie), as the browser sends it
        HttpResponse<String> page = get("/api", adminCookie);
        assertThat(page.statusCode()).isEqualTo(302);
        String location = page.headers().firstValue("Location").orElseThrow();
        assertThat(URI.create(location).getPath()).isEqualTo("/swagger-ui/index.html");
        HttpResponse<String> ui = get(URI.create(location).getPath(), adminCookie);
        assertThat(ui.statusCode()).isEqualTo(200);
        assertThat(ui.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(ui.body()).contains("swagger-ui-bundle.js").doesNotContain("<div id=\"root\">");
        String csp = ui.headers().firstValue("Content-Security-Policy").orElse("");
        assertThat(csp).contains("frame-ancestors 'none'", "object-src 'none'").doesNotContain("unsafe-eval");

        // and with a bearer token too (a client that is not the portal's browser)
        assertThat(get("/swagger-ui/swagger-ui-bundle.js", null, "Bearer " + tenant.admin.token()).statusCode())
                .isEqualTo(200);
        HttpResponse<String> initializer = get("/swagger-ui/swagger-initializer.js", adminCookie);
        assertThat(initializer.statusCode()).isEqualTo(200);
        assertThat(initializer.body()).contains("/v3/api-docs/swagger-config");
        JsonNode config = JSON.readTree(get("/v3/api-docs/swagger-config", null).body());
        assertThat(config.path("url").asString()).isEqualTo("/v3/api-docs");

        // the Swagger UI's own files are not also served unguarded by the portal's resource mapping
        String webjar = "/webjars/swagger-ui/" + context.getBean(SwaggerUiConfigProperties.class).getVersion()
                + "/index.html";
        assertThat(get(webjar, null).statusCode()).as(webjar).isEqualTo(404);
        assertThat(get("/swagger-ui", null).body()).doesNotContain("<div id=\"root\">");
    }

    private HttpResponse<String> get(String path, String cookie) throws Exception {
        return get(path, cookie, null);
    }

    private HttpResponse<String> get(String path, String cookie, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The first example of an operation's JSON request body. */
    private static JsonNode example(JsonNode operation) {
        JsonNode content = operation.path("requestBody").path("content").path("application/json");
        if (content.has("example")) {
            return content.get("example");
        }
        for (JsonNode e : content.path("examples")) {
            return e.path("value");
        }
        throw new AssertionError("no example of the request body of " + operation.path("operationId"));
    }

    private static String name(String name, String value, MethodParameter p) {
        return !name.isEmpty() ? name : !value.isEmpty() ? value : p.getParameterName();
    }

    private JsonNode resolve(JsonNode response) {
        String ref = response.path("$ref").asString("");
        return ref.startsWith("#/components/responses/")
                ? doc.path("components").path("responses").path(ref.substring("#/components/responses/".length()))
                : response;
    }

    private JsonNode resolveSchema(JsonNode schema) {
        String ref = schema.path("$ref").asString("");
        return ref.startsWith("#/components/schemas/")
                ? doc.path("components").path("schemas").path(ref.substring("#/components/schemas/".length()))
                : schema;
    }

    /** A documented error answer: problem+json with the Problem schema, naming the reasons of its status. */
    private static List<String> problemAnswer(String what, int status, JsonNode response) {
        List<String> failures = new ArrayList<>();
        String schema = response.path("content").path(PROBLEM_JSON).path("schema").path("$ref").asString("");
        if (!schema.equals("#/components/schemas/Problem")) {
            failures.add(what + ": not documented as " + PROBLEM_JSON + " with the Problem schema");
        }
        Set<String> reasons = new LinkedHashSet<>();
        Matcher m = REASON_NAME.matcher(response.path("description").asString(""));
        while (m.find()) {
            if (Arrays.stream(Reason.values()).anyMatch(r -> r.name().equals(m.group()))) {
                reasons.add(m.group());
            }
        }
        if (reasons.isEmpty()) {
            failures.add(what + ": its description names no reason");
        }
        List<String> wrong = reasons.stream().filter(r -> Reason.valueOf(r).status().value() != status).toList();
        if (!wrong.isEmpty()) {
            failures.add(what + ": names reasons of another status: " + wrong.stream()
                    .map(r -> r + " (" + Reason.valueOf(r).status().value() + ")").collect(Collectors.joining(", ")));
        }
        return failures;
    }

}
