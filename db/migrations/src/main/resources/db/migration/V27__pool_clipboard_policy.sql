-- A pool's clipboard policy (issue 22): which way text may cross between the user's browser and the desktop.
-- BOTH (the default, as before), TO_DESKTOP (the browser's clipboard may be pasted into the desktop, nothing the
-- desktop copies comes out), FROM_DESKTOP (the other way round) or NONE. The broker's tunnel enforces it.
alter table desktop_pool add column clipboard_policy text not null default 'BOTH'
    constraint desktop_pool_clipboard_policy_check check (clipboard_policy in ('BOTH', 'TO_DESKTOP', 'FROM_DESKTOP', 'NONE'));

-- pools publishes it in pools_pools (brokering reads a pool through that view on the connect path and for the
-- tunnel). A view only grows at its end; the view is re-made from the columns it has now, whatever migrations
-- before this one added to it, plus the new one.
do $$
declare
    v_columns text;
begin
    select string_agg(quote_ident(a.attname), ', ' order by a.attnum) into v_columns
    from pg_attribute a where a.attrelid = 'pools_pools'::regclass and a.attnum > 0 and not a.attisdropped;
    execute 'create or replace view pools_pools as select ' || v_columns || ', clipboard_policy from desktop_pool';
end $$;
