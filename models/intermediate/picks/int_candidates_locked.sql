{{ config(**locked_table_config(cluster_by=['system_id', 'player_lookup'])) }}
-- The append-only record of candidates (contract §3 Lock at tip-off): every candidate of a
-- game, as it stood at the first run after its game's lock time (tip-off; macro lock_time),
-- with its price. The candidates are what a build that passed saw before the tip-off
-- (int_predictions_sighted, kept by the on-run-end hook keep_sightings; macro
-- sightings_decide): a row no such build saw (created before the tip-off, but after the last
-- build that showed the game, or while every build failed) is no candidate, whatever its
-- created_at, so a game no build showed before its tip-off is fixed with none. On a
-- warehouse's first build, and when the record is rebuilt from the sources (var
-- rebuild_record), nothing says what was seen when: the candidates are then those of
-- int_candidates_scored (the rows created before the tip-off). Either way they are scored
-- alike (macro score_candidates). Insert-only: a candidate once recorded is never
-- rewritten, so a later re-run, deactivation or deletion upstream, or a change of a
-- scoring var, never changes what was fixed at tip-off; --full-refresh keeps it (only the
-- deliberate rebuild of the record does not: var rebuild_record).
-- A game's candidates are fixed as a set: a game that an earlier run fixed
-- (int_games_locked, recorded after this model on every run, with or without candidates),
-- that has a candidate in the record, or whose day an earlier run locked, takes no new one
-- later (a prediction created before tip-off that becomes the latest only after it, e.g.
-- when a newer PASS row is deleted, or that lands late). The last two rules cover what the
-- first cannot: a record older than int_games_locked, and a run that stopped between the
-- two tables.
-- Grain: one row per player x game x system.
{%- set seen %}
    select
        sighted.*,
        {{ lock_time('tipoffs.game_start_at', 'sighted.game_date') }} as locks_at
    from {{ ref('int_predictions_sighted') }} as sighted
    left join ({{ game_tipoffs() }}) as tipoffs
        on sighted.game_id = tipoffs.game_id
{%- endset %}
{#- rendered on every parse, so dbt records what the sightings' branch reads -#}
{%- set seen_scored = score_candidates(
    'select * from (' ~ seen ~ ') as seen where locks_at <= ' ~ run_clock()
    ~ ' and created_at < locks_at and ' ~ picks_a_side_on_a_valid_line()
    ~ ' and not ' ~ moved_to_another_date('seen.game_id', 'seen.game_date') ~ ' and ' ~ rebuilt_dates()) %}
with tipped_off as (
    {%- if sightings_decide() %}
    {{ seen_scored | indent(4) }}
    {%- else %}
    select * from {{ ref('int_candidates_scored') }}
    where locks_at <= {{ run_clock() }} and {{ rebuilt_dates() }}
    {%- endif %}
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
