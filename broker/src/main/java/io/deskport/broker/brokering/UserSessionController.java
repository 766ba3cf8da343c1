package io.deskport.broker.brokering;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.deskport.broker.hosts.SessionHosts;
import io.deskport.broker.licensing.LicenceSeats;
import io.deskport.broker.pools.DesktopPool;
import io.deskport.broker.pools.Desktops;
import io.deskport.broker.pools.Entitlements;
import io.deskport.broker.pools.PoolKind;
import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.deskport.broker.shared.ProblemResponses;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/** The end user's API: my desktops, connect (or reconnect), my sessions, disconnect, log off. */
@RestController
@RequestMapping("/api/v1")
class UserSessionController {

    private final ConnectService connects;
    private final SessionLifecycle lifecycle;
    private final SessionQueries queries;
    private final Entitlements entitlements;
    private final TunnelTickets tickets;
    private final JsonMapper json;
    private final Desktops desktops;
    private final SessionHosts hosts;
    private final ConnectAdmission admission;

    UserSessionController(ConnectService connects, SessionLifecycle lifecycle, SessionQueries queries,
                          Entitlements entitlements, TunnelTickets tickets, JsonMapper json, Desktops desktops,
                          SessionHosts hosts, ConnectAdmission admission) {
        this.admission = admission;
        this.json = json;
        this.desktops = desktops;
        this.hosts = hosts;
        this.connects = connects;
        this.lifecycle = lifecycle;
        this.queries = queries;
        this.entitlements = entitlements;
        this.tickets = tickets;
    }

    /**
     * A pool the user may use, their live session in it, and whether a connect would find room now.
     *
     * @param availability AVAILABLE: a desktop or seat is free (or the user's own desktop is there); ALL_IN_USE:
     *                     the pool has desktops or hosts in service but none free now (a connect is refused with the figures,
     *                     or grows a provisioned pool); NO_DESKTOPS: no desktop or host of the pool is in service (none
     *                     at all, or only failed, in maintenance, unreachable or draining ones).
     *                     A hint for the list; the connect decides.
     */
    record MyPool(UUID id, String name, String description, PoolKind kind, boolean enabled, Session session,
                  Availability availability) {
    }

    /** Whether a connect would find room now; see {@link MyPool}. */
    enum Availability { AVAILABLE, ALL_IN_USE, NO_DESKTOPS }

    /** The answer to a connect: the session, and whether it already existed. */
    record ConnectResponse(Session session, SessionState state, boolean reconnected, TunnelTickets.Ticket tunnel) {
    }

    /** A ticket only for sessions a client can attach to now. */
    private TunnelTickets.Ticket ticketFor(Session s) {
        return s.state() == SessionState.READY || s.state() == SessionState.CONNECTED
                || s.state() == SessionState.DISCONNECTED ? tickets.issue(s) : null;
    }

    @GetMapping("/pools")
    List<MyPool> myPools(CurrentUser me) {
        List<DesktopPool> pools = entitlements.poolsFor(me.tenantId(), me.userId());
        Map<UUID, Session> live = queries.liveInPools(me.tenantId(), me.userId(), pools.stream().map(DesktopPool::id).toList())
                .stream().collect(Collectors.toMap(Session::poolId, Function.identity(), (a, b) -> a));
        List<UUID> desktopPools = pools.stream().filter(p -> p.kind() != PoolKind.SHARED).map(DesktopPool::id).toList();
        List<UUID> sharedPools = pools.stream().filter(p -> p.kind() == PoolKind.SHARED).map(DesktopPool::id).toList();
        Map<UUID, Desktops.Capacity> desktops = this.desktops.capacityFor(me.tenantId(), me.userId(), desktopPools);
        Map<UUID, SessionHosts.Seats> seats = hosts.seats(me.tenantId(), sharedPools);
        return pools.stream()
                .map((DesktopPool p) -> new MyPool(p.id(), p.name(), p.description(), p.kind(), p.enabled(),
                        live.get(p.id()), availability(p, desktops.get(p.id()), seats.get(p.id()))))
                .toList();
    }

    private static Availability availability(DesktopPool p, Desktops.Capacity desktops, SessionHosts.Seats seats) {
        int machines = p.kind() == PoolKind.SHARED ? (seats == null ? 0 : seats.hosts()) : (desktops == null ? 0 : desktops.desktops());
        int room = p.kind() == PoolKind.SHARED ? (seats == null ? 0 : seats.free()) : (desktops == null ? 0 : desktops.usable());
        return machines == 0 ? Availability.NO_DESKTOPS : room > 0 ? Availability.AVAILABLE : Availability.ALL_IN_USE;
    }

    /**
     * Connects (201, with the new session's Location) or reconnects (200). The answer is written here
     * rather than returned: this is the request a logon storm is made of, and Spring's handling of a
     * returned entity (choosing a return-value handler, negotiating the content type, merging headers)
     * cost about a tenth of the broker's CPU per connect. It is the same JSON, with a Content-Length. So is a
     * refusal: the same problem+json the problem handler writes, without Spring's exception resolution.
     */
    @PostMapping(path = "/pools/{poolId}/connect", produces = MediaType.APPLICATION_JSON_VALUE)
    @ApiResponse(responseCode = "201", description = "A new session in the pool",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ConnectResponse.class)))
    @ApiResponse(responseCode = "200", description = "The user's live session in the pool (reconnect)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ConnectResponse.class)))
    void connect(CurrentUser me, @PathVariable UUID poolId,
                 @io.swagger.v3.oas.annotations.Parameter(description = "The client device's stable id (8-64 of A-Z a-z "
                         + "0-9 . _ : -), for pools licensed per device (PER_DEVICE); the portal keeps a random one in the browser")
                 @RequestHeader(name = LicenceSeats.DEVICE_HEADER, required = false) String device,
                 HttpServletRequest request, HttpServletResponse response) throws IOException {
        ConnectService.ConnectResult result;
        try {
            if (device != null && !LicenceSeats.DEVICE_ID.matcher(device).matches()) {
                throw new ProblemException(Reason.VALIDATION_FAILED, "The " + LicenceSeats.DEVICE_HEADER
                        + " header holds 8 to 64 letters, digits or ._:-", Map.of("header", LicenceSeats.DEVICE_HEADER));
            }
            result = connects.connect(me, poolId, device);
        } catch (ProblemException refused) {
            // a refusal storm is made of these: written here too, like the answer (problem+json, Retry-After)
            ProblemResponses.write(response, refused, request.getRequestURI());
            return;
        }
        Session s = result.session();
        byte[] body = json.writeValueAsBytes(new ConnectResponse(s, s.state(), result.reconnected(), ticketFor(s)));
        response.setStatus(result.reconnected() ? HttpStatus.OK.value() : HttpStatus.CREATED.value());
        if (!result.reconnected()) {
            response.setHeader(HttpHeaders.LOCATION, "/api/v1/sessions/" + s.id());
        }
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** The answer to an application's launch: the session it runs in (new, or the user's live one in the pool). */
    record LaunchResponse(Session session, SessionState state, boolean reconnected, TunnelTickets.Ticket tunnel,
                          UUID applicationId) {
    }

    /**
     * Launches a published application: a connect to its pool with the intent "this application" (201 with a new
     * session without a desktop shell; 200 with the user's live session in the pool, into which the application is
     * started). The refusals are the connect's.
     */
    @PostMapping(path = "/applications/{applicationId}/launch", produces = MediaType.APPLICATION_JSON_VALUE)
    @ApiResponse(responseCode = "201", description = "A new session of the application's pool, without a desktop, running it",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = LaunchResponse.class)))
    @ApiResponse(responseCode = "200", description = "The user's live session in the pool, into which the application is started",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = LaunchResponse.class)))
    ResponseEntity<LaunchResponse> launch(CurrentUser me, @PathVariable UUID applicationId,
                 @io.swagger.v3.oas.annotations.Parameter(description = "The client device's stable id, as for a connect")
                 @RequestHeader(name = LicenceSeats.DEVICE_HEADER, required = false) String device) {
        if (device != null && !LicenceSeats.DEVICE_ID.matcher(device).matches()) {
            throw new ProblemException(Reason.VALIDATION_FAILED, "The " + LicenceSeats.DEVICE_HEADER
                    + " header holds 8 to 64 letters, digits or ._:-", Map.of("header", LicenceSeats.DEVICE_HEADER));
        }
        ConnectService.ConnectResult result = connects.launch(me, applicationId, device);
        Session s = result.session();
        LaunchResponse body = new LaunchResponse(s, s.state(), result.reconnected(), ticketFor(s), applicationId);
        return result.reconnected() ? ResponseEntity.ok(body)
                : ResponseEntity.status(HttpStatus.CREATED).header(HttpHeaders.LOCATION, "/api/v1/sessions/" + s.id()).body(body);
    }

    @GetMapping("/sessions")
    List<Session> mySessions(CurrentUser me, @RequestParam(defaultValue = "false") boolean includeEnded) {
        return queries.ofUser(me.tenantId(), me.userId(), includeEnded, 100);
    }

    @GetMapping("/sessions/{id}")
    Session mySession(CurrentUser me, @PathVariable UUID id) {
        return queries.getOwn(me.tenantId(), me.userId(), id);
    }

    /**
     * A fresh one-time ticket for the tunnel to my session (each attach, e.g. after a network blip, needs
     * its own).
     */
    @PostMapping("/sessions/{id}/tunnel")
    ResponseEntity<TunnelTickets.Ticket> tunnel(CurrentUser me, @PathVariable UUID id) {
        Session s = queries.getOwn(me.tenantId(), me.userId(), id);
        TunnelTickets.Ticket ticket = ticketFor(s);
        if (ticket == null) {
            throw new io.deskport.broker.shared.ProblemException(io.deskport.broker.shared.Reason.INVALID_STATE,
                    s.state() == SessionState.PREPARING ? "The desktop is still being prepared; try again in a moment"
                            : "The session has ended; connect again", java.util.Map.of("sessionState", s.state()));
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(ticket);
    }

    @PostMapping("/sessions/{id}/disconnect")
    Session disconnect(CurrentUser me, @PathVariable UUID id) {
        return admission.admitEnding(() -> {
            queries.getOwn(me.tenantId(), me.userId(), id);
            lifecycle.disconnect(id, me);
            return queries.get(me.tenantId(), id);
        });
    }

    @PostMapping("/sessions/{id}/logoff")
    Session logoff(CurrentUser me, @PathVariable UUID id) {
        return admission.admitEnding(() -> {
            queries.getOwn(me.tenantId(), me.userId(), id);
            lifecycle.end(id, EndReason.LOGOFF, me);
            return queries.get(me.tenantId(), id);
        });
    }
}
