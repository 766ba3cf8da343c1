-- Which broker replica holds a CONNECTED session's tunnel: the key of the advisory lock that replica holds for as
-- long as it runs (brokering.ReplicaPresence). A replica killed with its tunnels open leaves their sessions
-- CONNECTED; the others see its lock gone from pg_locks and mark them DISCONNECTED (their disconnect timeout runs,
-- the seats connected sessions hold are given back) instead of leaving them CONNECTED until an idle timeout.
alter table session add column tunnel_replica bigint;

create index session_tunnel_replica on session (tunnel_replica) where state = 'CONNECTED' and tunnel_replica is not null;
