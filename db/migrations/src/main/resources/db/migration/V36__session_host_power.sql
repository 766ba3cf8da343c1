-- The broker powers empty session hosts off and wakes them (#24): an agent host whose admin allows it
-- (power_managed) is told to run its power-off command once consolidation has drained it and it has stayed empty,
-- and is woken by a Wake-on-LAN magic packet to its network card (wake_mac, sent to wake_address) when the
-- forecast needs it again.
do $$
declare
    c text;
begin
    -- the check's name is PostgreSQL's choice (V7 did not name it)
    for c in select conname from pg_constraint where contypid = 'session_host_state'::regtype and contype = 'c' loop
        execute format('alter domain session_host_state drop constraint %I', c);
    end loop;
end
$$;
alter domain session_host_state add constraint session_host_state_values
    check (value in ('REGISTERED', 'AVAILABLE', 'UNREACHABLE', 'POWERED_OFF', 'REMOVED'));

alter table session_host
    -- the admin's consent: the broker may power this host off and wake it
    add column power_managed       boolean not null default false,
    -- what the agent reports: it has a power-off command, and the MAC of the card its sessions are reached through
    add column agent_can_power_off boolean not null default false,
    add column agent_mac           text check (agent_mac ~ '^[0-9a-f]{2}(:[0-9a-f]{2}){5}$'),
    -- the admin's override of the MAC, and where the magic packet goes (host:port; null: 255.255.255.255:9)
    add column wake_mac            text check (wake_mac ~ '^[0-9a-f]{2}(:[0-9a-f]{2}){5}$'),
    add column wake_address        text check (length(wake_address) <= 300),
    -- a power change under way: POWER_OFF (the command is queued or running), WAKE (magic packets sent)
    add column power_action        text check (power_action in ('POWER_OFF', 'WAKE')),
    add column power_action_at     timestamptz,
    add column power_attempts      integer not null default 0 check (power_attempts >= 0),
    -- the last power change that did not happen, in words (null once one succeeds)
    add column power_detail        text check (length(power_detail) <= 2000),
    add constraint session_host_power_action_at check ((power_action is null) = (power_action_at is null));

alter table session_host_command drop constraint session_host_command_kind_check;
alter table session_host_command add constraint session_host_command_kind_check
    check (kind in ('CREATE_SESSION', 'LOGOFF_SESSION', 'LAUNCH_APPLICATION', 'POWER_OFF'));

-- consolidation powers a host off only after it stayed empty for a while (no flapping)
alter table capacity_drained_host add column empty_since timestamptz;
alter table session_host_command alter column session_id drop not null;
