{{ config(bigquery_table_layout('date', ['group_id'])) }}
-- The picks of a group, part `groups[].picks` of picks/{date}.json (declared by
-- public_picks). Grain: one row per game date x group of that day (int_groups_published,
-- as public_picks lists them) x pick (pick_rank). Picks come only from
-- int_picks_published: the locked record of a day whose last game has tipped off, else
-- this run's subset members (the subset rules live in int_subset_members_ranked).
with picks as (
    select * from {{ ref('int_picks_published') }}
    where list_id != 'best_bets'
)

select
    picks.game_date as date,
    cast(day_groups.public_id as {{ dbt.type_bigint() }}) as group_id,
    cast(picks.pick_rank as {{ dbt.type_bigint() }}) as pick_rank,
    cast(picks.player_full_name as {{ dbt.type_string() }}) as player,
    cast(picks.team_abbr as {{ dbt.type_string() }}) as team,
    cast(picks.opponent_team_abbr as {{ dbt.type_string() }}) as opponent,
    {{ round_float('picks.predicted_points', 1) }} as prediction,
    cast(picks.points_line as {{ type_double() }}) as line,
    cast(picks.recommendation as {{ dbt.type_string() }}) as direction,
    cast(
        {{ public_actual('picks.grade', 'picks.actual_points') }} as {{ dbt.type_bigint() }}
    ) as actual,
    cast({{ public_result('picks.grade') }} as {{ dbt.type_string() }}) as result,
    cast(picks.pick_id as {{ dbt.type_string() }}) as pick_id,
    cast(picks.game_start_at as {{ dbt.type_timestamp() }}) as tipoff,
    picks.is_home as home
from picks
inner join {{ ref('int_groups_published') }} as day_groups
    on picks.game_date = day_groups.game_date
    and picks.list_id = day_groups.subset_id
