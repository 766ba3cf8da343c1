-- Who disconnected a session (while it is DISCONNECTED): the user, the help desk (an admin or help-desk agent),
-- or the idle timeout; null when its connection was lost or closed without anyone asking. The user's portal
-- says who it was.
alter table session add column disconnected_by text
    check (disconnected_by in ('USER', 'HELP_DESK', 'TIMEOUT'));
