{{ config(**locked_table_config(cluster_by=['subset_id'])) }}
-- The append-only record of each locked day's groups (contract §3 Lock at tip-off: a changed
-- subset definition never changes a locked day): when a day's last game has tipped off, the
-- groups active then (seeds/subset_definitions.csv, is_active) are recorded here, once, so
-- picks/{date}.json of a locked day keeps listing a group retired later (with its locked
-- picks and records) and never lists a group added later (int_groups_published). Recorded
-- day by day, as int_picks_locked records lists: only days not yet in int_days_locked
-- (which runs after this model: macro locked_before) and not recorded here by a run killed
-- before int_days_locked. The first build records every day locked so far with the groups
-- active then. Grain: one row per game_date x subset_id.
with lockable_days as (
    select game_date from {{ ref('int_game_dates_calendared') }}
    where
        day_locks_at <= {{ run_clock() }}
        and not {{ locked_before('game_date') }}
),

day_groups as (
    select
        lockable_days.game_date,
        subsets.subset_id
    from lockable_days
    cross join {{ ref('subset_definitions') }} as subsets
    where subsets.is_active
)

select day_groups.*
from day_groups
{%- if incremental_run() %}
where not exists (
    select 1 from {{ this }} as recorded
    where recorded.game_date = day_groups.game_date
)
{%- endif %}
