{{ config(materialized='view') }}
-- The groups picks/{date}.json lists (contract §3 Lock at tip-off: a changed subset
-- definition never changes a locked day): for a locked day the groups recorded when it
-- locked (int_groups_locked: a group retired later stays, a group added later is not
-- listed), else the groups active now (seeds/subset_definitions.csv, is_active); with
-- each group's public id and name as the seed has them now (labels, not numbers). The
-- days of int_days_published only (up to the current slate, contract §4).
-- Grain: one row per game_date x subset_id.
with published_days as (
    select distinct game_date from {{ ref('int_days_published') }}
),

active_groups as (
    select
        published_days.game_date,
        subsets.subset_id
    from published_days
    cross join {{ ref('subset_definitions') }} as subsets
    where subsets.is_active
),

day_groups as (
    {{ recorded_or_computed(
        ref('int_groups_locked'), 'active_groups',
        columns=['game_date', 'subset_id'],
        where='game_date in (select published_days.game_date from published_days)',
    ) | indent(4) }}
)

select
    day_groups.game_date,
    day_groups.subset_id,
    subsets.public_id,
    subsets.public_name,
    day_groups.is_locked
from day_groups
inner join {{ ref('subset_definitions') }} as subsets
    on day_groups.subset_id = subsets.subset_id
