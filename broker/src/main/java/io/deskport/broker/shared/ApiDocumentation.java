package io.deskport.broker.shared;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.annotations.media.Schema.AdditionalPropertiesValue;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springdoc.core.utils.SpringDocAnnotationsUtils;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;

import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI document ({@code /v3/api-docs}, and the Swagger UI at {@code /api} that reads it) as clients need
 * it, made from the handlers by springdoc and completed here in one place rather than on each controller:
 * <ul>
 * <li>the product's name and version, and how to sign in, act in a tenant, read problems and change
 * configuration;</li>
 * <li>the server-side parameters ({@link AdminContext}, {@link CurrentUser}) left out, and the platform admins'
 * {@value AdminContext#TENANT_HEADER} header documented on every operation that takes an {@link AdminContext};</li>
 * <li>on every operation its security scheme: the users' access token, or on the agent API the session-host
 * agent's own credential; none on the open operations ({@link #OPEN});</li>
 * <li>on every operation the problems it can answer ({@code application/problem+json}, the {@code Problem}
 * schema whose {@code reason} enumerates every {@link Reason}), each answer naming the reasons of its status;
 * the connect operation with its refusals;</li>
 * <li>a PATCH of a configuration resource as one operation taking a partial JSON object or a JSON Merge
 * Patch, with {@code If-Match}, and the {@code ETag} its reads and changes answer;</li>
 * <li>examples of the main requests.</li>
 * </ul>
 * {@code ApiDocumentTest} holds the document to the handlers: an operation without a security scheme, without
 * its problem answers, or with a parameter its handler does not take (or without one it does) fails it.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocumentation {

    static final String TITLE = "Deskport broker API";
    /** The users' access token (bearer JWT from {@code POST /api/v1/auth/login}). */
    static final String ACCESS_TOKEN = "accessToken";
    /** A session-host agent's own credential ({@code dpa.<hostId>.<secret>} from {@code POST /api/v1/agent/enrol}). */
    static final String AGENT_CREDENTIAL = "agentCredential";
    static final String PROBLEM = "Problem";
    static final String PROBLEM_JSON = org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE;
    static final String JSON = org.springframework.http.MediaType.APPLICATION_JSON_VALUE;
    /** The operations anyone may call (identity.SecurityConfiguration, hosts.AgentSecurityConfiguration). */
    static final Set<String> OPEN = Set.of("POST /api/v1/auth/login", "POST /api/v1/auth/logout",
            "GET /api/v1/auth/providers", "POST /api/v1/agent/enrol");
    static final String LOGIN = "POST /api/v1/auth/login";
    static final String LOGOUT = "POST /api/v1/auth/logout";
    static final String ENROL = "POST /api/v1/agent/enrol";
    static final String CONNECT = "POST /api/v1/pools/{poolId}/connect";
    /** A published application's launch: a connect to its pool, with the connect's refusals. */
    static final String LAUNCH = "POST /api/v1/applications/{applicationId}/launch";
    static final String SHADOW = "POST /api/v1/admin/sessions/{id}/shadow";
    /** The dashboard's server-sent events. */
    static final String DASHBOARD_STREAM = "GET /api/v1/admin/dashboard/stream";
    /**
     * The operations of the configuration resources (versioned: PATCH with If-Match) that answer one with its
     * {@code ETag}: create, read and change, and a group's membership.
     */
    private static final Pattern ANSWERS_ETAG = Pattern.compile("POST /api/v1/admin/(tenants|users|groups|pools|pools/setup)"
            + "|(GET|PATCH) /api/v1/admin/(tenants|users|groups|pools|session-hosts|hypervisor-hosts)/\\{id}"
            + "|(GET|PUT) /api/v1/admin/pools/\\{poolId}/(provisioning|session-settings)"
            + "|POST /api/v1/admin/pools/\\{poolId}/applications|(GET|PUT) /api/v1/admin/applications/\\{id}"
            + "|(PUT|DELETE) /api/v1/admin/groups/\\{id}/members/\\{userId}");

    /**
     * Success statuses the handlers set on the {@code ResponseEntity} they return, where springdoc can only
     * assume 200.
     */
    private static final Map<String, String> SUCCESS = Map.of(LOGOUT, "204",
            "POST /api/v1/admin/tenants", "201", "POST /api/v1/admin/users", "201", "POST /api/v1/admin/groups", "201",
            "POST /api/v1/admin/pools", "201", "POST /api/v1/admin/pools/setup", "201",
            "POST /api/v1/sessions/{id}/tunnel", "201", "POST /api/v1/admin/pools/{poolId}/applications", "201");

    static {
        // resolved on the server (CurrentUserArguments), never sent as such: not parameters of the API
        SpringDocUtils.getConfig()
                .addRequestWrapperToIgnore(AdminContext.class, CurrentUser.class)
                // the servlet container's error dispatch answers problems for every path; it is no operation
                .addHiddenRestControllers(WebEdgeConfiguration.ProblemErrorController.class);
    }

    /** The version the document names: the build's (META-INF/build-info.properties), else the jar's, else "dev". */
    static String version(BuildProperties build) {
        if (build != null && build.getVersion() != null) {
            return build.getVersion();
        }
        String jar = ApiDocumentation.class.getPackage().getImplementationVersion();
        return jar != null ? jar : "dev";
    }

    /** The platform admins' tenant header, on every operation whose handler takes an {@link AdminContext}. */
    @Bean
    OperationCustomizer adminContextHeader() {
        return (operation, handler) -> {
            boolean takesContext = Arrays.stream(handler.getMethodParameters())
                    .anyMatch(p -> p.getParameterType() == AdminContext.class);
            if (takesContext && parameter(operation, "header", AdminContext.TENANT_HEADER) == null) {
                operation.addParametersItem(new HeaderParameter().name(AdminContext.TENANT_HEADER).required(false)
                        .description("Platform admins only: the id of the tenant to act in (by default, and for "
                                + "everyone else, the caller's own tenant; naming another one is 403 FORBIDDEN)")
                        .schema(string().format("uuid")));
            }
            return operation;
        };
    }

    @Bean
    OpenApiCustomizer deskportApi(ObjectProvider<BuildProperties> build) {
        return api -> {
            api.info(new Info().title(TITLE).version(version(build.getIfAvailable())).description(DESCRIPTION));
            Components components = api.getComponents() == null ? new Components() : api.getComponents();
            api.components(components);
            components.addSecuritySchemes(ACCESS_TOKEN, new SecurityScheme().type(SecurityScheme.Type.HTTP)
                    .scheme("bearer").bearerFormat("JWT").description("The `accessToken` of `POST /api/v1/auth/login` "
                            + "(valid for `deskport.identity.token-ttl`, 8 h by default, until signed out or revoked), "
                            + "sent as `Authorization: Bearer <token>`. The portal's browser sends the same token as its "
                            + "HttpOnly cookie `deskport_token` instead."));
            components.addSecuritySchemes(AGENT_CREDENTIAL, new SecurityScheme().type(SecurityScheme.Type.HTTP)
                    .scheme("bearer").bearerFormat("dpa.<hostId>.<secret>").description("A session-host agent's own "
                            + "credential, the `credential` of `POST /api/v1/agent/enrol`. The agent API takes nothing "
                            + "else: a user's access token, however privileged, is refused there."));
            problemSchema(api, components);
            Map<String, ApiResponse> answers = answers();
            answers.forEach(components::addResponses);
            if (api.getPaths() == null) {
                return;
            }
            api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) ->
                    document(method.name() + " " + path, path, method, operation)));
            jsonNode(api);
        };
    }

    /** Security, problem answers, If-Match, ETag, merge patch, content types and examples of one operation. */
    private static void document(String key, String path, PathItem.HttpMethod method, Operation op) {
        boolean agent = path.startsWith("/api/v1/agent/");
        boolean admin = path.startsWith("/api/v1/admin/");
        boolean safe = method == PathItem.HttpMethod.GET || method == PathItem.HttpMethod.HEAD;
        boolean body = op.getRequestBody() != null;
        boolean input = body || op.getParameters() != null && !op.getParameters().isEmpty();
        Parameter ifMatch = parameter(op, "header", HttpHeaders.IF_MATCH);

        if (key.equals(LOGOUT)) {
            // signs out the token sent, if any: open, with or without one
            op.setSecurity(List.of(new SecurityRequirement().addList(ACCESS_TOKEN), new SecurityRequirement()));
        } else if (!OPEN.contains(key)) {
            op.setSecurity(List.of(new SecurityRequirement().addList(agent ? AGENT_CREDENTIAL : ACCESS_TOKEN)));
        }

        ApiResponses responses = op.getResponses() == null ? new ApiResponses() : op.getResponses();
        op.setResponses(responses);
        jsonContent(responses);
        if (key.equals(DASHBOARD_STREAM)) {
            eventStream(responses);
        }
        String success = SUCCESS.get(key);
        if (success != null && responses.containsKey("200") && !responses.containsKey(success)) {
            ApiResponse answer = responses.remove("200");
            ApiResponses renumbered = new ApiResponses();
            renumbered.addApiResponse(success, answer.description(success.equals("201") ? "Created" : "No Content"));
            responses.forEach(renumbered::addApiResponse);
            op.setResponses(renumbered);
            responses = renumbered;
        }
        Map<Integer, String> problems = new TreeMap<>();
        if (input) {
            problems.put(400, "BadRequest");
        }
        if (key.equals(LOGIN) || key.equals("POST /api/v1/auth/token")) {
            problems.put(401, "BadCredentials");
        } else if (!OPEN.contains(key) || key.equals(ENROL)) {
            problems.put(401, "Unauthenticated");
        }
        if (key.equals(CONNECT) || key.equals(LAUNCH)) {
            problems.put(403, "NotEntitled");
        } else if (admin || !agent && !safe) {
            problems.put(403, "Forbidden"); // a role or tenant not allowed; a cross-site request with the cookie
        }
        if (path.contains("{") || path.startsWith("/api/v1/admin/dashboard")) {
            problems.put(404, "NotFound"); // the dashboard: a platform admin naming a tenant that does not exist
        }
        if (key.equals(CONNECT) || key.equals(LAUNCH)) {
            problems.put(409, "ConnectConflict");
        } else if (key.equals(SHADOW)) {
            problems.put(409, "ShadowConflict");
        } else if (!safe && path.contains("/snapshots")) {
            problems.put(409, "SnapshotConflict");
        } else if (!safe && (admin || path.contains("/sessions/{") || key.equals(ENROL)
                || key.equals("POST /api/v1/me/password"))) {
            problems.put(409, "Conflict");
        }
        if (ifMatch != null) {
            problems.put(412, "StaleVersion");
            problems.put(428, "PreconditionRequired");
            ifMatch.required(true).description("The `ETag` of the version this change was made from (e.g. `\"7\"`), "
                    + "or `*` for whatever version is current. Without it the change is refused as 428 "
                    + "PRECONDITION_REQUIRED; when the resource has changed since, as 412 STALE_VERSION (nothing changed).")
                    .example("\"7\"");
        }
        if (body) {
            problems.put(413, "PayloadTooLarge");
            problems.put(415, "UnsupportedMediaType");
        }
        if (key.equals(LOGIN) || key.equals("POST /api/v1/me/password") || key.equals("POST /api/v1/auth/token")) {
            problems.put(429, "TooManyAttempts");
        } else if (key.equals(CONNECT) || key.equals(LAUNCH) || key.equals("POST /api/v1/admin/pools/{id}/desktops")) {
            problems.put(429, "TenantQuota");
        }
        if (key.equals("POST /api/v1/admin/tenants/onboard")) {
            problems.put(422, "InvitationUnavailable");
        }
        if (key.matches("POST /api/v1/admin/tenants/(onboard|\\{id}/offboard|\\{id}/reactivate)")
                || key.equals("POST /api/v1/admin/service-accounts")) {
            problems.put(502, "IdentityProviderFailed");
        }
        problems.put(500, "InternalError");
        problems.put(503, key.equals(CONNECT) || key.equals(LAUNCH) ? "ConnectUnavailable"
                : key.equals(DASHBOARD_STREAM) ? "StreamUnavailable"
                : key.matches("POST /api/v1/sessions/\\{id}/(logoff|disconnect)") ? "EndingUnavailable"
                : "ServiceUnavailable");
        ApiResponses answers = responses;
        problems.forEach((status, name) -> {
            if (!answers.containsKey(String.valueOf(status))) {
                answers.addApiResponse(String.valueOf(status), new ApiResponse().$ref("#/components/responses/" + name));
            }
        });

        if (ANSWERS_ETAG.matcher(key).matches()) {
            ApiResponse answer = responses.get(method == PathItem.HttpMethod.POST ? "201" : "200");
            if (answer != null) {
                answer.addHeaderObject(HttpHeaders.ETAG, new Header().schema(string()).description("The resource's "
                        + "version as an entity tag (e.g. `\"7\"`): send it back in `If-Match` to change the resource"));
            }
        }
        if (method == PathItem.HttpMethod.PATCH) {
            mergePatch(op);
        }
        examples(key, op);
    }

    /** The answers with a body are JSON unless they are files (a recording): springdoc says {@code *}{@code /*}. */
    private static void jsonContent(ApiResponses responses) {
        responses.values().forEach(r -> {
            if (r.getContent() != null && r.getContent().containsKey("*/*")) {
                MediaType any = r.getContent().get("*/*");
                Schema<?> s = any.getSchema();
                if (s == null || !"binary".equals(s.getFormat())) {
                    Content content = new Content();
                    r.getContent().forEach((type, media) -> content.addMediaType(type.equals("*/*") ? JSON : type, media));
                    r.setContent(content);
                }
            }
        });
    }

    /** The dashboard's stream: server-sent events, described as the text they are (springdoc sees the emitter class). */
    private static void eventStream(ApiResponses responses) {
        Schema<String> text = string();
        text.description("Server-sent events (text/event-stream, UTF-8), one blank line after each");
        text.example("""
                id: 1
                event: snapshot
                data: {"tenantId":"5b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d","generatedAt":"2026-03-02T09:00:00.412Z",...}

                :heartbeat

                event: end
                data: {"reason":"UNAUTHENTICATED","detail":"Your sign-in has ended; sign in again"}
                """);
        responses.addApiResponse("200", new ApiResponse().description("The stream: first `event: snapshot` with the "
                + "dashboard now (its `data` is the JSON `GET /api/v1/admin/dashboard` answers, its `id` grows with each "
                + "snapshot), then one each time a figure changes (at most once per `deskport.dashboard.push-interval`); "
                + "a comment line (`:heartbeat`) every `deskport.dashboard.heartbeat-interval`; last, `event: end` with "
                + "`reason` and `detail` when the stream ends because the caller's access token expired or was signed "
                + "out or revoked (`UNAUTHENTICATED`), the tenant was removed (`NOT_FOUND`), the caller opened more streams "
                + "than `deskport.dashboard.max-subscribers-per-user` since (`CONFLICT`: their oldest ends) or the broker "
                + "is stopping (`SERVICE_UNAVAILABLE`): connect again (a browser's EventSource sends the portal's cookie).")
                .content(new Content().addMediaType(org.springframework.http.MediaType.TEXT_EVENT_STREAM_VALUE,
                        new MediaType().schema(text))));
    }

    /**
     * One PATCH operation for the two handlers of a configuration resource: a partial JSON object, or the same
     * members as a JSON Merge Patch (RFC 7396) — springdoc describes the latter as the handler's JsonNode.
     */
    private static void mergePatch(Operation op) {
        if (op.getRequestBody() == null || op.getRequestBody().getContent() == null) {
            return;
        }
        Content content = op.getRequestBody().getContent();
        MediaType json = content.get(JSON);
        MediaType patch = content.get(MergePatch.MEDIA_TYPE);
        if (json == null || patch == null) {
            return;
        }
        patch.setSchema(json.getSchema());
        op.getRequestBody().description("The change, as `" + JSON + "` (a partial object: members left out or null "
                + "keep their values) or as `" + MergePatch.MEDIA_TYPE + "` (JSON Merge Patch, RFC 7396: a member left "
                + "out keeps its value, null removes it where it can be removed — a timeout switched off, an empty "
                + "description — and is refused by name where it cannot).");
    }

    private static void examples(String key, Operation op) {
        switch (key) {
            case LOGIN -> requestExample(op, "signIn", "Sign in to a tenant", Map.of(
                    "tenant", "demo", "username", "alice", "password", "correct-horse-battery-staple"));
            case "POST /api/v1/admin/pools" -> requestExample(op, "pooledPool", "A pool of non-persistent desktops",
                    ordered("name", "Finance desktops", "description", "Non-persistent desktops for the finance team",
                            "kind", "POOLED", "enabled", true, "idleTimeoutSeconds", 1800, "idleAction", "DISCONNECT",
                            "disconnectTimeoutSeconds", 3600, "maxSessionSeconds", 43200, "recordSessions", false));
            case "POST /api/v1/admin/pools/setup" -> requestExample(op, "provisionedPool", "A pooled pool Deskport "
                    + "fills from a golden image, consuming a licence product, for a group", ordered(
                    "pool", ordered("name", "Finance desktops", "kind", "POOLED", "enabled", true, "idleTimeoutSeconds",
                            1800, "idleAction", "DISCONNECT", "disconnectTimeoutSeconds", 3600, "recordSessions", false,
                            "clipboardPolicy", "TO_DESKTOP"),
                    "provisioning", ordered("minSize", 2, "maxSize", 20, "spareTarget", 2, "vcpus", 2, "memoryMiB", 4096,
                            "diskMiB", 40960),
                    "image", ordered("label", "2026-11", "goldenDiskPath",
                            "/var/lib/deskport/images/8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d/win11-finance.qcow2"),
                    "licenceProductIds", List.of("3f2e1d0c-9b8a-4765-8432-10fedcba9876"),
                    "entitlements", ordered("groupIds", List.of("0f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f"))));
            case "POST /api/v1/admin/users" -> requestExample(op, "user", "A user who connects to desktops",
                    ordered("username", "jdoe", "displayName", "Jane Doe", "email", "jane.doe@example.com",
                            "password", "a-long-passphrase", "roles", List.of("USER")));
            case CONNECT -> {
                ApiResponse created = op.getResponses().get("201");
                if (created != null && created.getContent() != null && created.getContent().get(JSON) != null) {
                    created.getContent().get(JSON).addExamples("connected", new Example()
                            .summary("A new session on a desktop that is ready, with the ticket for its tunnel")
                            .value(CONNECT_EXAMPLE));
                }
            }
            default -> {
            }
        }
    }

    private static void requestExample(Operation op, String name, String summary, Object value) {
        if (op.getRequestBody() != null && op.getRequestBody().getContent() != null
                && op.getRequestBody().getContent().get(JSON) != null) {
            op.getRequestBody().getContent().get(JSON).addExamples(name, new Example().summary(summary).value(value));
        }
    }

    private static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    private static final Object CONNECT_EXAMPLE = JsonMapper.builder().build().readValue("""
            {
              "session": {
                "id": "0d8f1e8e-3f3a-4c55-9a0e-1d3f1f1b1a11", "tenantId": "5b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d",
                "poolId": "8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d", "poolName": "Finance desktops", "poolKind": "POOLED",
                "userId": "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f", "username": "jdoe", "state": "READY",
                "endReason": null, "desktopId": "2f3e4d5c-6b7a-4891-a2b3-c4d5e6f7a8b9", "sessionHostId": null,
                "machineName": "fin-017", "createdAt": "2026-03-02T08:59:58.412Z",
                "stateChangedAt": "2026-03-02T08:59:58.412Z", "connectedAt": null, "lastActivityAt": null,
                "endedAt": null, "preparing": null, "disconnectedBy": null, "consoleProblem": null, "changedBy": null,
                "clipboardPolicy": "BOTH"
              },
              "state": "READY",
              "reconnected": false,
              "tunnel": {"token": "eyJzIjoiMGQ4ZjFlOGUiLCJlIjoxNzcyNDQxNjU4fQ.c2lnbmF0dXJl",
                         "expiresAt": "2026-03-02T09:00:58.412Z", "path": "/tunnel"}
            }
            """, LinkedHashMap.class);

    /** The problem body every error is (RFC 9457 with the broker's members), as a schema of the document. */
    private static void problemSchema(OpenAPI api, Components components) {
        SpecVersion version = api.getSpecVersion() == null ? SpecVersion.V31 : api.getSpecVersion();
        SpringDocAnnotationsUtils.extractSchema(components, ProblemBody.class, null, new java.lang.annotation.Annotation[0],
                version);
        Schema<?> problem = components.getSchemas().get(PROBLEM);
        if (problem != null && problem.getProperties() != null && problem.getProperties().get("reason") != null) {
            problem.getProperties().get("reason").description("Stable and machine-readable: switch on this. "
                    + Arrays.stream(Reason.values()).map(r -> "`" + r.name() + "` (" + r.status().value() + "): "
                    + r.title()).collect(Collectors.joining("; ")) + ".");
        }
    }

    /** The problem answers the operations refer to, each naming the reasons of its status. */
    private static Map<String, ApiResponse> answers() {
        Map<String, ApiResponse> a = new LinkedHashMap<>();
        a.put("BadRequest", problem("The request is refused as it is.",
                Reason.VALIDATION_FAILED, "a parameter, header or member is not valid: `errors` names each one "
                        + "(`field`, `message`, and `rejectedValue` — never for a secret)",
                Reason.MALFORMED_REQUEST, "the body is not JSON, or the request line, path or headers cannot be read",
                Reason.DEVICE_ID_REQUIRED, "(a connect) the pool is licensed per device and the client sent no "
                        + "`Deskport-Device-Id`"));
        a.put("Unauthenticated", problem("No valid credential.", Reason.UNAUTHENTICATED,
                "the access token (on the agent API: the agent's credential; for an enrolment: the enrolment token) is "
                        + "missing, expired, revoked or invalid").addHeaderObject(HttpHeaders.WWW_AUTHENTICATE,
                new Header().schema(string()).description("`Bearer`")));
        a.put("BadCredentials", problem("Sign-in refused.", Reason.BAD_CREDENTIALS,
                "wrong tenant, username or password (or a service account's client id or secret); counted by the sign-in throttle"));
        a.put("Forbidden", problem("Not allowed.", Reason.FORBIDDEN, "the caller's role does not allow "
                + "this operation, a tenant admin named another tenant in `" + AdminContext.TENANT_HEADER + "`, a tenant "
                + "admin's change would touch a platform admin's account, or a browser on another site sent the portal's cookie",
                Reason.SCOPE_INSUFFICIENT, "a service account's token does not carry the scope the operation needs "
                + "(`requiredScope`), or no scope allows it"));
        a.put("NotEntitled", problem("The connect is refused.",
                Reason.NOT_ENTITLED, "the user is not entitled to the pool, directly or through a group",
                Reason.FORBIDDEN, "a browser on another site sent the portal's cookie"));
        a.put("NotFound", problem("No such object.", Reason.NOT_FOUND, "nothing with this id in the tenant "
                + "(another tenant's objects are not found either)"));
        a.put("MethodNotAllowed", problem("The path does not have this method.", Reason.METHOD_NOT_ALLOWED,
                "the answer names the methods it has")); // on no operation: any other method of a documented path
        a.put("NotAcceptable", problem("Nothing the client accepts.", Reason.NOT_ACCEPTABLE,
                "accept `application/json` and `" + PROBLEM_JSON + "`")); // on no operation: any of them
        a.put("Conflict", problem("The change conflicts with the current state; nothing was changed.",
                Reason.CONFLICT, "a name or key already in use, a referenced object missing, or a concurrent change",
                Reason.INVALID_STATE, "not possible in the object's current state",
                Reason.IN_USE, "the object is in use: end or remove what uses it first"));
        a.put("ConnectConflict", problem("The connect is refused; nothing was changed.",
                Reason.POOL_DISABLED, "the pool is disabled",
                Reason.DESKTOP_UNAVAILABLE, "the user's assigned desktop cannot be used right now",
                Reason.CONFLICT, "another connect of the user's to this pool is in progress, or too many logons "
                        + "competed for the last seats: try again"));
        a.put("ShadowConflict", problem("The session's screen cannot be watched now; nothing was issued.",
                Reason.SESSION_NOT_CONNECTED, "no client is attached to the session (`sessionState` says what it is)",
                Reason.SESSION_NOT_LIVE, "the session counts as connected, but no desktop stream of it runs",
                Reason.SESSION_ON_OTHER_BROKER, "the session's stream runs through the embedded gateway of another broker "
                        + "replica, which only that replica reaches: ask again, or run a remote gateway"));
        a.put("SnapshotConflict", problem("The snapshot operation is refused; nothing was changed.",
                Reason.CONFIRMATION_REQUIRED, "a restore throws away what was written since the snapshot (and logs the "
                        + "desktop's session off): `warning` says what; send it again with `confirm=true`",
                Reason.SNAPSHOT_QUOTA, "the desktop's snapshots hold the pool's quota (`usedMiB`, `quotaMiB`): delete one",
                Reason.INVALID_STATE, "not a desktop of a provisioned persistent pool, a desktop in a state without a "
                        + "machine to snapshot, busy with another operation (`busy`), or a snapshot not READY"));
        a.put("StaleVersion", problem("The resource has changed since the version named in `If-Match`; nothing "
                + "was changed.", Reason.STALE_VERSION, "`currentVersion` and `currentETag` say what it is "
                + "now: read it again and make the change on that"));
        a.put("PayloadTooLarge", problem("The body is too large; it was not read.", Reason.PAYLOAD_TOO_LARGE,
                "`maxRequestBodyBytes` says the limit"));
        a.put("UnsupportedMediaType", problem("The body's content type is not one this operation takes.",
                Reason.UNSUPPORTED_MEDIA_TYPE, "send `application/json` (a PATCH also takes `" + MergePatch.MEDIA_TYPE
                        + "`)"));
        a.put("PreconditionRequired", problem("A change of a configuration resource needs `If-Match`.",
                Reason.PRECONDITION_REQUIRED, "send the `ETag` you read (or `*`) in `If-Match`"));
        a.put("TooManyAttempts", retryAfter(problem("Sign-in locked for a moment.", Reason.TOO_MANY_ATTEMPTS,
                "too many wrong passwords for the account or from the address; nothing was checked")));
        a.put("TenantQuota", problem("The tenant's quota is used up.", Reason.TENANT_QUOTA,
                "`quota` names it (concurrent sessions or desktops) with the figures"));
        a.put("InvitationUnavailable", problem("No invitation can be sent; nothing was created.",
                Reason.INVITATION_UNAVAILABLE, "the realm has no mail server (or the tenant's realm is new, or there is "
                        + "no Keycloak): leave `invite` out to get a temporary password"));
        a.put("IdentityProviderFailed", problem("Keycloak failed or could not be reached.",
                Reason.IDENTITY_PROVIDER_FAILED, "onboarding: what was created in Keycloak has been removed and no "
                        + "tenant was created; offboarding: the tenant is offboarded in Deskport, call again to finish "
                        + "in Keycloak; a service account: its Keycloak client could not be made, nor was the account"));
        a.put("InternalError", problem("The broker failed; it has been logged.", Reason.INTERNAL_ERROR,
                "an unexpected failure"));
        a.put("ServiceUnavailable", retryAfter(problem("Temporarily unavailable; nothing was changed.",
                Reason.SERVICE_UNAVAILABLE, "the database cannot be reached or keeps failing")));
        a.put("StreamUnavailable", retryAfter(problem("No stream now; try again after `Retry-After`.",
                Reason.SERVICE_UNAVAILABLE, "the database cannot be reached, or this broker has as many dashboard streams "
                        + "open as it serves (`deskport.dashboard.max-subscribers`)")));
        a.put("EndingUnavailable", retryAfter(problem("Not now; nothing was changed.",
                Reason.OVERLOADED, "more disconnects and logoffs arrived at once than this broker serves; nothing was "
                        + "tried",
                Reason.SERVICE_UNAVAILABLE, "the database cannot be reached or keeps failing")));
        a.put("ConnectUnavailable", retryAfter(problem("No room for the connect now; nothing was changed.",
                Reason.POOL_EXHAUSTED, "no desktop is free in the pool (the figures say how many there are)",
                Reason.HOST_CAPACITY, "no session host of the pool has room for another session",
                Reason.LICENCE_EXHAUSTED, "no licence seat is free",
                Reason.OVERLOADED, "more connects arrived at once than this broker serves; nothing was tried",
                Reason.SERVICE_UNAVAILABLE, "the database cannot be reached or keeps failing")));
        return a;
    }

    /** A problem answer: the lead, then each reason with what it means here ({@code reason, text, reason, text…}). */
    private static ApiResponse problem(String lead, Object... reasonsAndTexts) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < reasonsAndTexts.length; i += 2) {
            parts.add("`" + ((Reason) reasonsAndTexts[i]).name() + "`: " + reasonsAndTexts[i + 1]);
        }
        String description = lead + " " + String.join("; ", parts) + ".";
        return new ApiResponse().description(description).content(new Content().addMediaType(PROBLEM_JSON,
                new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
    }

    private static ApiResponse retryAfter(ApiResponse response) {
        return response.addHeaderObject(HttpHeaders.RETRY_AFTER, new Header().schema(new Schema<Integer>()
                .type("integer").types(Set.of("integer"))).description("Seconds to wait before trying again, when "
                + "the refusal passes by itself"));
    }

    private static Schema<String> string() {
        Schema<String> s = new Schema<>();
        s.setType("string");
        s.setTypes(new java.util.LinkedHashSet<>(List.of("string")));
        return s;
    }

    private static Parameter parameter(Operation op, String in, String name) {
        if (op.getParameters() == null) {
            return null;
        }
        return op.getParameters().stream().filter(p -> in.equals(p.getIn()) && name.equalsIgnoreCase(p.getName()))
                .findFirst().orElse(null);
    }

    /**
     * Springdoc describes a Jackson 3 {@code JsonNode} (a merge patch, an agent command's payload) as the node
     * class's getters; it is any JSON value. Left out when nothing refers to it any more.
     */
    private static void jsonNode(OpenAPI api) {
        Map<String, Schema> schemas = api.getComponents().getSchemas();
        if (schemas == null || !schemas.containsKey("JsonNode")) {
            return;
        }
        if (Json31.pretty(api).contains("\"#/components/schemas/JsonNode\"")) {
            schemas.put("JsonNode", new Schema<>().description("Any JSON value"));
        } else {
            schemas.remove("JsonNode");
        }
    }

    /**
     * The body of every error answer (RFC 9457 {@code application/problem+json}): what {@link ProblemResponses}
     * writes. Answers may carry more members: the figures of a refusal ({@code retryAfterSeconds},
     * {@code currentVersion}, {@code quota}, …).
     */
    @io.swagger.v3.oas.annotations.media.Schema(name = PROBLEM, additionalProperties = AdditionalPropertiesValue.TRUE,
            requiredProperties = {"type", "title", "status", "reason"},
            description = "An error (RFC 9457): `reason` says which, stably; `detail` says it in words for people; "
                    + "more members carry the figures of a refusal (`retryAfterSeconds`, `currentVersion`, `quota`, …).")
    record ProblemBody(
            @io.swagger.v3.oas.annotations.media.Schema(format = "uri",
                    example = "https://deskport.io/problems/pool-exhausted") String type,
            @io.swagger.v3.oas.annotations.media.Schema(example = "No desktop is free in this pool") String title,
            @io.swagger.v3.oas.annotations.media.Schema(example = "503") int status,
            @io.swagger.v3.oas.annotations.media.Schema(example = "All 40 desktops of pool Finance desktops are in use")
            String detail,
            @io.swagger.v3.oas.annotations.media.Schema(format = "uri-reference",
                    example = "/api/v1/pools/8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d/connect") String instance,
            Reason reason,
            @io.swagger.v3.oas.annotations.media.Schema(description = "VALIDATION_FAILED: each invalid field")
            List<ProblemResponses.FieldError> errors) {
    }

    private static final String DESCRIPTION = """
            The control plane of Deskport: signing in, the user's desktops and sessions, the administration of an \
            estate (tenants, users, groups, pools, desktops, session hosts, provisioning, audit), and the session-host \
            agents' API.

            **Signing in.** `POST /api/v1/auth/login` with `{"tenant", "username", "password"}` answers an access \
            token (a JWT): send it as `Authorization: Bearer <token>` (security scheme `accessToken`; on this page: \
            *Authorize*). The portal's browser sends the same token as its HttpOnly cookie. The agent API \
            (`/api/v1/agent/**`) takes only a session host's own credential (scheme `agentCredential`), issued by \
            `POST /api/v1/agent/enrol`.

            **Roles.** Users connect to the pools they are entitled to. Help desk reads the administration and \
            disconnects or logs off sessions; tenant admins administer their tenant; platform admins administer \
            tenants and hypervisor hosts, and act in any tenant by naming its id in the `X-Deskport-Tenant` header \
            of an admin operation.

            **Errors.** Every error is `application/problem+json` (RFC 9457, schema `Problem`) with a stable `reason`: \
            switch on `reason`, not on `title` or `detail`. `errors[]` names each invalid field; a refusal that \
            passes by itself says when to come back in `Retry-After`. A method a path does not have is 405 \
            `METHOD_NOT_ALLOWED`; an `Accept` without JSON, 406 `NOT_ACCEPTABLE`.

            **Changing configuration.** Tenants, users, groups, pools and their provisioning and session settings, \
            session hosts and hypervisor hosts answer an `ETag`, their version. A `PATCH` or `PUT` names the version \
            it was made from in `If-Match` (428 `PRECONDITION_REQUIRED` without it, 412 `STALE_VERSION` with \
            `currentVersion` when someone changed it since; `"0"` for a pool's settings before the first). The \
            `PATCH` of tenants, users, groups and pools takes a partial JSON object (`application/json`) or a JSON \
            Merge Patch (`application/merge-patch+json`, RFC 7396).

            **Lists.** Every list answers a JSON array, a page at a time: `limit` (1-1000, 100 by default), `sort` \
            (a key of the list, `-key` descending) and `cursor`, from the previous page's `Link: <...>; \
            rel="next"` header, which is absent on the last page. The first page says `X-Total-Count` (exact up to \
            10,000; beyond, `X-Total-Count-Exact: false`). Pages are keyset pages: a deep page costs what the first \
            does, and rows added between pages neither repeat nor shift the rest.

            **Bulk.** `POST .../bulk` acts on many sessions, session hosts or desktops, `POST /api/v1/admin/groups/{id}/members` \
            adds many users to a group, and `POST /api/v1/admin/users/import` creates or updates up to 50,000 users \
            from CSV or JSON; each answers a result per object or row.
            """;
}
