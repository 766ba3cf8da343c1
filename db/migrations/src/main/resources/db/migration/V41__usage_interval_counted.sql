-- The intervals a roll-up counts that overlap a period. An object's final change (a session ENDED, a desktop or a
-- snapshot DELETED, a seat RELEASED) counts in no figure, and as its last change it has no end: in the index of every
-- interval's range it overlapped every period after it, so computing an hour read every ended session, deleted
-- desktop and released seat of the platform's history before it. Measured on 90,000 sessions (2026-12-07): the
-- seconds of two busy hours 3.3 s before, 0.46 s with this index and the roll-ups' join on the state.
-- The predicate is UsageRollupFigures.COUNTED_ONLY's, word for word.
create index usage_interval_counted on usage_interval using gist (tstzrange(start_at, end_at))
    where state not in ('ENDED', 'DELETED', 'RELEASED');
drop index usage_interval_during;
