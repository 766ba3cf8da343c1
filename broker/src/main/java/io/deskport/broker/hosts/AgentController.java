package io.deskport.broker.hosts;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.deskport.broker.shared.ConsoleNetworks;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.ProblemResponses;
import io.deskport.broker.shared.Reason;

/**
 * The API session-host agents call (and only they: see {@link AgentSecurityConfiguration}). The agent
 * always calls the broker, never the other way round, so it works from behind NAT and with any number
 * of broker replicas: enrol once, then heartbeat, long-poll for commands, report session states.
 */
@RestController
@RequestMapping("/api/v1/agent")
@Validated
class AgentController {

    private final AgentEnrolments enrolments;
    private final AgentHeartbeats heartbeats;
    private final AgentCommands commands;
    private final HostsProperties properties;
    private final ConsoleNetworks consoleNetworks;
    private final SessionHostPower power;

    AgentController(AgentEnrolments enrolments, AgentHeartbeats heartbeats, AgentCommands commands,
                    HostsProperties properties, ConsoleNetworks consoleNetworks, SessionHostPower power) {
        this.power = power;
        this.consoleNetworks = consoleNetworks;
        this.enrolments = enrolments;
        this.heartbeats = heartbeats;
        this.commands = commands;
        this.properties = properties;
    }

    record Enrol(@NotBlank @Size(max = 200) String token,
                 @Size(max = 255) @Pattern(regexp = AgentHeartbeats.PRINTABLE) String address,
                 @Size(max = 200) @Pattern(regexp = AgentHeartbeats.PRINTABLE) String os,
                 @Size(max = 100) @Pattern(regexp = AgentHeartbeats.PRINTABLE) String agentVersion,
                 @Min(1) @Max(100_000) Integer cpuCount, @Min(0) Long memoryMb,
                 @Min(1) @Max(10_000) Integer maxSessions) {
    }

    record EnrolAnswer(UUID hostId, String hostName, String credential, long heartbeatIntervalMillis) {
    }

    @PostMapping("/enrol")
    EnrolAnswer enrol(@Valid @RequestBody Enrol b) {
        AgentEnrolments.Enrolled e = enrolments.enrol(b.token(), new AgentEnrolments.Registration(b.address(), b.os(),
                b.agentVersion(), b.cpuCount(), b.memoryMb(), b.maxSessions()));
        return new EnrolAnswer(e.hostId(), e.hostName(), e.credential(), properties.heartbeatInterval().toMillis());
    }

    @PostMapping("/heartbeat")
    AgentHeartbeats.HeartbeatAnswer heartbeat(@AuthenticationPrincipal AgentPrincipal agent,
                                              @Valid @RequestBody AgentHeartbeats.Heartbeat b) {
        return heartbeats.heartbeat(agent, b);
    }

    @GetMapping("/commands")
    List<AgentCommands.Command> commands(@AuthenticationPrincipal AgentPrincipal agent,
                                         @RequestParam(defaultValue = "10000") @Min(0) long waitMillis)
            throws InterruptedException {
        Duration wait = Duration.ofMillis(Math.min(waitMillis, properties.maxCommandWait().toMillis()));
        return commands.poll(agent.hostId(), wait);
    }

    @PostMapping("/commands/{id}/ack")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void acknowledge(@AuthenticationPrincipal AgentPrincipal agent, @PathVariable long id) {
        commands.acknowledge(agent.hostId(), id);
    }

    record ReportAnswer(boolean known) {
    }

    @PostMapping("/sessions/{sessionId}/report")
    ReportAnswer report(@AuthenticationPrincipal AgentPrincipal agent, @PathVariable UUID sessionId,
                        @Valid @RequestBody AgentHeartbeats.SessionReport b) {
        if (b.state() == AgentHeartbeats.ReportedState.READY && (b.consoleHost() == null || b.consolePort() == null)) {
            throw new ProblemException(Reason.VALIDATION_FAILED, "A READY session needs consoleHost and consolePort",
                    Map.of("errors", List.of(new ProblemResponses.FieldError(b.consoleHost() == null ? "consoleHost"
                            : "consolePort", "is required when the state is READY", null))));
        }
        if (b.state() == AgentHeartbeats.ReportedState.READY) {
            consoleNetworks.require("consoleHost", b.consoleHost());
        }
        return new ReportAnswer(heartbeats.report(agent, sessionId, b));
    }

    /** What the agent does about a POWER_OFF command. */
    enum PowerReport { POWERING_OFF, REFUSED }

    record Power(@NotNull PowerReport state, @Size(max = 2000) String detail) {
    }

    /** @param proceed whether the agent may run its power-off command (false: the host is wanted again, do not) */
    record PowerAnswer(boolean proceed) {
    }

    /**
     * The agent is about to power the machine off (it runs its command only when told to proceed), or could not
     * ({@code REFUSED}, with why).
     */
    @PostMapping("/power")
    PowerAnswer power(@AuthenticationPrincipal AgentPrincipal agent, @Valid @RequestBody Power b) {
        if (b.state() == PowerReport.REFUSED) {
            power.agentRefused(agent, b.detail());
            return new PowerAnswer(false);
        }
        return new PowerAnswer(power.agentPoweringOff(agent));
    }
}
