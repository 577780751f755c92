{{ config(**locked_table_config(cluster_by=['system_id', 'player_lookup'])) }}
-- The append-only record of candidates (contract §3 Lock at tip-off): every candidate of
-- int_candidates_scored as it stood at the first run after its game's lock time
-- (tip-off; macro lock_time), with its price. Insert-only: a candidate once recorded is
-- never rewritten, so a later re-run, deactivation or deletion upstream, or a change of a
-- scoring var, never changes what was fixed at tip-off; --full-refresh keeps it (only
-- the deliberate rebuild of the record does not: var rebuild_record).
-- A game's candidates are fixed as a set: a game that an earlier run fixed
-- (int_games_locked, recorded after this model on every run, with or without candidates),
-- that has a candidate in the record, or whose day an earlier run locked, takes no new one
-- later (a prediction created before tip-off that becomes the latest only after it, e.g.
-- when a newer PASS row is deleted, or that lands late). The last two rules cover what the
-- first cannot: a record older than int_games_locked, and a run that stopped between the
-- two tables.
-- Grain: one row per player x game x system.
with tipped_off as (
    select * from {{ ref('int_candidates_scored') }}
    where locks_at <= {{ run_clock() }} and {{ rebuilt_dates() }}
)

select tipped_off.*
from tipped_off
{%- if incremental_run() %}
where
    not exists (
        select 1 from {{ this }} as locked
        where locked.game_id = tipped_off.game_id
    )
    and not ({{ locked_before('tipped_off.game_date') }})
    and not ({{ locked_before('tipped_off.game_id', record='int_games_locked', key='game_id') }})
{%- endif %}
