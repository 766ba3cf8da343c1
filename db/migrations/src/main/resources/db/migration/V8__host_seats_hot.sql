-- A session host's seat count (active_sessions) changes with every session placed on it or ended there.
--
-- It was a key of the index that placement reads (session_host_placeable), so every change of the count
-- was a non-HOT update: a new entry in each of the table's indexes and a new index path to the host's row.
-- In a logon storm onto one host its primary-key lookup then walked past hundreds of entries of dead row
-- versions (136 buffer reads per seat taken). Placement reads all placeable hosts of a pool anyway to
-- find the emptiest or fullest one, so the index needs only the pool. With the count out of every index
-- and room left on each page, taking a seat is a HOT update: no index entries, one short chain.

drop index session_host_placeable;
create index session_host_placeable on session_host(pool_id) where state = 'AVAILABLE' and not draining;

alter table session_host set (fillfactor = 50);
