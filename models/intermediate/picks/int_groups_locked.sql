{{ config(**locked_table_config(cluster_by=['subset_id'])) }}
-- depends_on: {{ ref('int_picks_locked') }}
-- The append-only record of each locked day's groups (contract §3 Lock at tip-off: a changed
-- subset definition never changes a locked day): when a day's last game has tipped off, the
-- groups active then (seeds/subset_definitions.csv, is_active; as the last build that passed
-- had them when it showed the day: int_days_shown) are recorded here, once, so
-- picks/{date}.json of a locked day keeps listing a group retired later (with its locked
-- picks and records) and never lists a group added later (int_groups_published).
-- It runs after int_picks_locked (depends_on above: a build that skips the picks skips this
-- too) and before int_days_locked, and adds, group by group as int_picks_locked adds lists,
-- for the days not locked yet (macro locked_before) the groups active now and every group
-- whose picks int_picks_locked holds for the day: a run stopped before int_days_locked, then a
-- changed seed, still leaves every recorded list's group listed. Its first build records
-- every day locked so far, with the groups active at that build and those with recorded
-- picks. Grain: one row per game_date x subset_id.
with lockable_days as (
    {{ days_locking_now() | indent(4) }}
),

shown_groups as (
    {{ shown_rows('groups_shown_passed', ref('subset_definitions')) | indent(4) }}
),

active_groups_shown as (
    select
        lockable_days.game_date,
        subsets.subset_id
    from lockable_days
    cross join shown_groups as subsets
    where subsets.is_active
),

active_groups_now as (
    select
        lockable_days.game_date,
        subsets.subset_id
    from lockable_days
    cross join {{ ref('subset_definitions') }} as subsets
    where subsets.is_active
),

candidate_groups as (
    {{ shown_or_computed('active_groups_shown', 'active_groups_now', 'lockable_days') | indent(4) }}
    union all
    select
        picks.game_date,
        picks.list_id as subset_id
    from {{ ref('int_picks_locked') }} as picks
    inner join lockable_days on picks.game_date = lockable_days.game_date
    where picks.list_id != 'best_bets'
),

day_groups as (
    select distinct
        game_date,
        subset_id
    from candidate_groups
)

select day_groups.*
from day_groups
{%- if incremental_run() %}
where not exists (
    select 1 from {{ this }} as recorded
    where recorded.game_date = day_groups.game_date and recorded.subset_id = day_groups.subset_id
)
{%- endif %}
