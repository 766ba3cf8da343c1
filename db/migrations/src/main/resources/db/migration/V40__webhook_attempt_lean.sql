-- Webhook attempts for less (issue #20): every delivery writes an attempt row, so each of that row's costs is paid
-- once per usage event delivered.
--
-- 1. The foreign key to webhook_subscription goes: it ran a lookup of the subscription, locking its row, for every
--    attempt inserted. A trigger on the subscription's delete removes its attempts instead, as the cascade did
--    (a tenant's deletion cascades to its subscriptions, and so on to their attempts). A relay records a pass's
--    attempts in the transaction that updates the subscription's webhook_delivery row, which the delete cascades
--    to: a pass that recorded first has committed before the trigger's delete reads, and a pass after the delete
--    finds no delivery row and records nothing.
-- 2. The index on the attempt's time goes: the retention sweep reads the oldest attempts by id instead (attempts
--    are inserted in the order they were made, within a pass's length).

alter table webhook_attempt drop constraint webhook_attempt_subscription_id_fkey;
drop index webhook_attempt_age;

create function webhook_subscription_attempts_gone() returns trigger language plpgsql as $$
begin
    delete from webhook_attempt a using gone g where a.subscription_id = g.id;
    return null;
end $$;

create trigger webhook_subscription_attempts_gone after delete on webhook_subscription
    referencing old table as gone for each statement execute function webhook_subscription_attempts_gone();
