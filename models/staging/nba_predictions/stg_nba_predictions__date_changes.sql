{{ config(**locked_table_config(cluster_by=none)) }}
-- The log of the prediction feed's dates: for each game_date within the feeds' horizon, its
-- set of (prediction id, is_active) pairs (their count, and the bit_xor of their fingerprints,
-- macro fingerprint), a row whenever the set differs from the last one logged for that date,
-- stamped seen_at (the start of the run that saw it, macro run_start). A date the source no
-- longer holds (every run deleted, a game re-dated under its ids) is logged with no pair. A
-- run written, deleted, activated or deactivated upstream for a date of any age (a backfill
-- weeks after the games) adds a row: staging restages every date logged since its own last
-- build, and every fact downstream rebuilds from it (macro incremental_rebuild_start, through
-- changed_since_last_build), as a full refresh would have them. A row corrected in place (same
-- id and is_active, other values) changes no pair (docs/decisions.md, "Incremental facts").
-- A row with no date is no date's (the source's not_null test names it; a null never joins
-- the logged one, so it was logged again on every run). The first build logs every date as
-- it is, stamped like any row: a table built before it (an upgrade, a rebuilt log, a first
-- run that failed halfway) rebuilds every date once, and misses no change it had not taken
-- in. Insert-only and kept by --full-refresh, like the log of game moves
-- (locked_table_config).
-- Grain: one row per game_date x seen_at.
{%- set source_table = source('nba_predictions', 'player_prop_predictions') %}
{%- set pair = fingerprint(
    "prediction_id || ':' || case when is_active then '1' when not is_active then '0' else '-' end") %}
with landed as (
    select
        game_date,
        count(*) as pair_count,
        bit_xor(pair) as pairs
    from (
        select distinct
            cast(game_date as date) as game_date,
            {{ pair }} as pair
        from {{ source_table }}
        where game_date is not null and {{ within_horizon('game_date') }}
    ) as distinct_pairs
    group by game_date
),
{%- if incremental_run() %}

logged as (
    select
        game_date,
        pair_count,
        pairs
    from (
        select
            game_date,
            pair_count,
            pairs,
            row_number() over (partition by game_date order by seen_at desc) as newest_first
        from {{ this }}
    ) as states
    where newest_first = 1
),
{%- else %}

logged as (
    select
        game_date,
        pair_count,
        pairs
    from landed
    where false
),
{%- endif %}

changed as (
    select
        coalesce(landed.game_date, logged.game_date) as game_date,
        coalesce(landed.pair_count, 0) as pair_count,
        landed.pairs
    from landed
    full outer join logged
        on landed.game_date = logged.game_date
    where
        logged.game_date is null
        or coalesce(landed.pair_count, 0) != logged.pair_count
        or landed.pairs is distinct from logged.pairs
)

select
    game_date,
    pair_count,
    pairs,
    {{ run_start() }} as seen_at
from changed
