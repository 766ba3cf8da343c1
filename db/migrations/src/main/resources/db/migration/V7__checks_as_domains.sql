-- The value rules of the columns the connect path writes, moved from table CHECK constraints to domains.
--
-- PostgreSQL reads a table's CHECK constraints back from their stored node text for every INSERT and
-- UPDATE statement, prepares them, and evaluates all of them whatever columns an UPDATE sets. For the
-- connect path that was about 13 kB of node text parsed per connect (the state lists are stored as byte
-- arrays), a tenth of the database's CPU in a logon storm. A domain's rule is kept parsed in the type cache
-- and is checked only where a value is assigned to a column of that domain. The rules themselves are
-- unchanged; only the rules that tie two columns together stay table constraints.

create domain session_state as text
    check (value in ('PREPARING', 'READY', 'CONNECTED', 'DISCONNECTED', 'ENDED'));
create domain session_end_reason as text
    check (value in ('LOGOFF', 'ADMIN_LOGOFF', 'DISCONNECT_TIMEOUT', 'IDLE_TIMEOUT', 'MAX_SESSION_LENGTH',
                     'PROVISIONING_FAILED', 'HOST_LOST', 'RESOURCE_REMOVED', 'SESSION_EXITED'));
create domain desktop_state as text
    check (value in ('PROVISIONING', 'STOPPED', 'STARTING', 'READY', 'IN_USE', 'REFRESHING', 'MAINTENANCE',
                     'FAILED', 'DELETING', 'STOPPING'));
create domain session_host_state as text
    check (value in ('REGISTERED', 'AVAILABLE', 'UNREACHABLE', 'REMOVED'));
create domain port_number as integer check (value between 1 and 65535);
create domain non_negative_int as integer check (value >= 0);
create domain non_negative_bigint as bigint check (value >= 0);
create domain positive_int as integer check (value > 0);
create domain seat_shard as smallint check (value between 0 and 63);

alter table session
    drop constraint session_state_check,
    drop constraint session_end_reason_check,
    drop constraint session_console_port_check,
    alter column state type session_state,
    alter column end_reason type session_end_reason,
    alter column console_port type port_number;

alter table desktop
    drop constraint desktop_state_check,
    drop constraint desktop_console_port_check,
    alter column state type desktop_state,
    alter column console_port type port_number;

alter table session_host
    drop constraint session_host_state_check,
    drop constraint session_host_console_port_check,
    drop constraint session_host_active_sessions_check,
    drop constraint session_host_max_sessions_check,
    drop constraint session_host_cpu_count_check,
    drop constraint session_host_memory_mb_check,
    alter column state type session_host_state,
    alter column console_port type port_number,
    alter column active_sessions type non_negative_int,
    alter column max_sessions type positive_int,
    alter column cpu_count type positive_int,
    alter column memory_mb type non_negative_bigint;

alter table tenant_session_seats
    drop constraint tenant_session_seats_shard_check,
    drop constraint tenant_session_seats_capacity_check,
    drop constraint tenant_session_seats_used_check,
    alter column shard type seat_shard,
    alter column capacity type non_negative_int,
    alter column used type non_negative_int;
