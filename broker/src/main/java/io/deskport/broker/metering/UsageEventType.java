package io.deskport.broker.metering;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The kinds of usage event. The CloudEvents {@code type} is {@value #PREFIX} + {@link #code()}; the subject
 * names the object by its collection ({@code sessions/<id>}).
 */
public enum UsageEventType {
    SESSION_CREATED("session.created", "sessions"),
    SESSION_CONNECTED("session.connected", "sessions"),
    SESSION_DISCONNECTED("session.disconnected", "sessions"),
    SESSION_ENDED("session.ended", "sessions"),
    DESKTOP_CREATED("desktop.created", "desktops"),
    DESKTOP_POWERED_ON("desktop.powered_on", "desktops"),
    DESKTOP_POWERED_OFF("desktop.powered_off", "desktops"),
    DESKTOP_DELETED("desktop.deleted", "desktops"),
    LICENCE_SEAT_TAKEN("licence.seat_taken", "licence-seats"),
    LICENCE_SEAT_RELEASED("licence.seat_released", "licence-seats"),
    TENANT_QUOTA_CHANGED("tenant.quota_changed", "tenants"),
    /** A snapshot of a desktop was taken; {@code data.sizeMiB} is the storage it holds. */
    SNAPSHOT_CREATED("snapshot.created", "snapshots"),
    /** A snapshot was deleted (by a user, an admin, the keep-N policy, or with its desktop). */
    SNAPSHOT_DELETED("snapshot.deleted", "snapshots"),
    /** Not usage, an alert: more seats of a product are in use than its licence has (from the licensing sweep). */
    LICENCE_OVERUSE_STARTED("licence.overuse_started", "licence-products"),
    /** Not usage, an alert: an overuse period of a product ended, with its peak excess. */
    LICENCE_OVERUSE_ENDED("licence.overuse_ended", "licence-products"),
    /** Not usage, an alert: a licence ends within 30, 7, then 1 day. */
    LICENCE_EXPIRING("licence.expiring", "licences"),
    /** Not usage: a tenant's webhook endpoint failed for the give-up window and was disabled (its other integrations hear of it). */
    WEBHOOK_DISABLED("webhook.disabled", "webhook-subscriptions");

    /** What every CloudEvents type of Deskport starts with. */
    public static final String PREFIX = "io.deskport.";

    private static final Map<String, UsageEventType> BY_CODE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(UsageEventType::code, Function.identity()));

    private final String code;
    private final String collection;

    UsageEventType(String code, String collection) {
        this.code = code;
        this.collection = collection;
    }

    /** As stored: {@code session.created}. */
    public String code() {
        return code;
    }

    /** The CloudEvents type: {@code io.deskport.session.created}. */
    public String cloudEventType() {
        return PREFIX + code;
    }

    /** The subject of an event about the object with this id. */
    public String subject(Object id) {
        return collection + "/" + id;
    }

    /** @return the type stored as {@code code}, or null when none is */
    public static UsageEventType ofCode(String code) {
        return BY_CODE.get(code);
    }

    /**
     * @param name a CloudEvents type ({@code io.deskport.session.ended}) or a stored code ({@code session.ended})
     * @return the type, or null when none has that name
     */
    public static UsageEventType ofName(String name) {
        return name.startsWith(PREFIX) ? BY_CODE.get(name.substring(PREFIX.length())) : BY_CODE.get(name);
    }
}
