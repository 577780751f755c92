{{ config(materialized='view') }}
-- What the last build that passed showed of the days not locked at its end (contract §3 Lock at
-- tip-off: only what a user could have seen counts, so a rule changed after it never reaches such
-- a day): each day's facts as that build computed them (int_market_signals_daily: market signal,
-- each system's health state entering the day, the champion), kept by the on-run-end hook
-- keep_sightings (macros/sightings.sql), for the days whose candidates are still exactly those it
-- computed the day from (same prediction_ids: a game moved away since, a candidate lost, makes it
-- compute the day again), and only while every copy it kept is usable (macro shown_copies_usable:
-- a release that added or changed a column of one of the copied models makes this run compute
-- every open day, never lock a day from some copies and not from others). The record locks such
-- a day with these, the picks that build showed (int_picks_locked) and the groups then active
-- (int_groups_locked), instead of computing the day with this run's rules (macro
-- shown_or_computed). Empty before a build that passed kept them, and when the record is rebuilt
-- from the sources (var rebuild_record). Grain: one row per game_date x system_id.
{#- the first day kept, a constant: a game_date-partitioned candidates table is read from it on -#}
{%- set kept = copy_passed('days_shown_passed') %}
{%- set first_kept = 'cast(null as date)' if kept is none
    else latest_date_literal(kept, aggregate='min') %}
{%- set usable = shown_copies_usable() %}
with kept_days as (
    {{ shown_rows('days_shown_passed', ref('int_market_signals_daily')) | indent(4) }}
),

kept_candidates as (
    {{ shown_rows('candidates_shown_passed', ref('int_candidates_graded')) | indent(4) }}
),

candidates_now as (
    select
        candidates.game_date,
        candidates.prediction_id
    from {{ ref('int_candidates_graded') }} as candidates
    where
        candidates.game_date >= {{ first_kept }}
        and candidates.game_date in (select kept_days.game_date from kept_days)
),

changed_days as (
    select coalesce(candidates_now.game_date, kept_candidates.game_date) as game_date
    from candidates_now
    full outer join kept_candidates
        on candidates_now.game_date = kept_candidates.game_date
        and candidates_now.prediction_id = kept_candidates.prediction_id
    where candidates_now.prediction_id is null or kept_candidates.prediction_id is null
)

select kept_days.*
from kept_days
where
    {{ 'true' if usable else 'false' }}
    and kept_days.game_date not in (select changed_days.game_date from changed_days)
