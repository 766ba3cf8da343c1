-- Failures in words (issue 17), owned by the brokering module.
--
-- A session whose desktop cannot be reached records why (console_failure: the last failure, console_failures:
-- how many attempts in a row failed, console_failure_at: when the last one did); a successful attach clears
-- them. After a few failures in a row the session ends as DESKTOP_UNREACHABLE.
--
-- changed_by_admin: the admin or help-desk agent whose disconnect or log off made the session's last
-- change, so its user is told who did it (null when the user, a timer or the system did).

-- the domain's check was named when V7 created it (next to the table's own constraint of that name), so it is
-- found by its domain rather than guessed
do $$
declare
    c text;
begin
    for c in select con.conname from pg_constraint con join pg_type t on t.oid = con.contypid
             where t.typname = 'session_end_reason' and con.contype = 'c' loop
        execute format('alter domain session_end_reason drop constraint %I', c);
    end loop;
end $$;
alter domain session_end_reason add constraint session_end_reason_values
    check (value in ('LOGOFF', 'ADMIN_LOGOFF', 'DISCONNECT_TIMEOUT', 'IDLE_TIMEOUT', 'MAX_SESSION_LENGTH',
                     'PROVISIONING_FAILED', 'HOST_LOST', 'RESOURCE_REMOVED', 'SESSION_EXITED', 'DESKTOP_UNREACHABLE'));

create domain console_failure as text
    check (value in ('REFUSED', 'UNREACHABLE', 'TIMEOUT', 'AUTHENTICATION_FAILED', 'ERROR'));

alter table session
    add column console_failure    console_failure,
    add column console_failures   non_negative_int not null default 0,
    add column console_failure_at timestamptz,
    add column changed_by_admin   uuid;
