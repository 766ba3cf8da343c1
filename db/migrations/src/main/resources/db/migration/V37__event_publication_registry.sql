-- Spring Modulith's JDBC event publication registry (#16): a row per event and listener that must not be missed
-- after the publishing transaction — written in that transaction, completed (deleted) when the listener's own
-- transaction commits, resubmitted when it failed or its broker died (io.deskport.broker.shared.EventPublications).
-- Only @ApplicationModuleListener listeners are registered (spring.modulith.events.registry-trigger-annotation);
-- the listeners that run inside the publishing transaction, the connect path's among them, write nothing here.
-- The table is Spring Modulith's (its schema v2 for PostgreSQL).
create table event_publication (
    id                     uuid        not null primary key,
    listener_id            text        not null,
    event_type             text        not null,
    serialized_event       text        not null,
    publication_date       timestamptz not null,
    completion_date        timestamptz,
    status                 text,
    completion_attempts    int,
    last_resubmission_date timestamptz
);
create index event_publication_serialized_event_hash_idx on event_publication using hash (serialized_event);
create index event_publication_by_completion_date_idx on event_publication (completion_date);

-- metering's record of the licence alerts it turned into usage events: a publication delivered twice (at least
-- once) records its event once
create table metering_alert_recorded (
    alert_key   text        primary key,
    recorded_at timestamptz not null default now()
);
