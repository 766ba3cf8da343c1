package io.deskport.broker.metering;

import java.time.format.DateTimeFormatter;

import org.springframework.stereotype.Component;

import tools.jackson.databind.node.ObjectNode;

/**
 * Usage events in the CloudEvents 1.0 JSON format (the form usage-billing systems such as OpenMeter ingest):
 * the required {@code specversion}, {@code id} (the event's sequence number, unique over the log), {@code source}
 * ({@code deskport.metering.source}) and {@code type} ({@code io.deskport.session.ended}), then {@code subject},
 * {@code time} (RFC 3339, UTC), {@code datacontenttype}, the extensions {@code tenantid} and {@code sequence} (the
 * sequence number zero-padded to 19 digits, so that it orders as text, as the Sequence extension asks), and
 * {@code data}.
 */
@Component
public class CloudEvents {

    /** The media type of one event in structured mode. */
    public static final String MEDIA_TYPE = "application/cloudevents+json";
    /** The media type of a JSON array of events (batched mode). */
    public static final String BATCH_MEDIA_TYPE = "application/cloudevents-batch+json";

    private final String source;

    CloudEvents(MeteringProperties properties) {
        this.source = properties.source().toString();
    }

    /** The event as a CloudEvents JSON object. */
    public ObjectNode toJson(UsageEvent e) {
        ObjectNode json = UsageRecorder.JSON.createObjectNode()
                .put("specversion", "1.0")
                .put("id", Long.toString(e.seq()))
                .put("source", source)
                .put("type", e.type().cloudEventType())
                .put("subject", e.subject())
                .put("time", DateTimeFormatter.ISO_INSTANT.format(e.time()))
                .put("datacontenttype", "application/json")
                .put("tenantid", e.tenantId().toString())
                .put("sequence", String.format("%019d", e.seq()));
        json.set("data", e.data());
        return json;
    }

    /** The event as CloudEvents JSON text (a webhook's body). */
    public String toText(UsageEvent e) {
        return UsageRecorder.JSON.writeValueAsString(toJson(e));
    }
}
