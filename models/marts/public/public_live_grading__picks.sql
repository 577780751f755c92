-- The picks of live-grading/{date}.json, its part `picks` (declared by public_live_grading).
-- Grain: one row per pick of the live date (pick_rank), graded by int_live_picks_graded
-- (the live status rule), for the date public_live_grading publishes.
with nights as (
    select distinct game_date from {{ ref('int_live_boxscores') }}
),

picks as (
    select * from {{ ref('int_live_picks_graded') }}
)

select
    picks.game_date as date,
    cast(picks.pick_rank as {{ dbt.type_bigint() }}) as pick_rank,
    cast(picks.player_full_name as {{ dbt.type_string() }}) as player,
    cast(picks.team_abbr as {{ dbt.type_string() }}) as team,
    cast(picks.game_status as {{ dbt.type_string() }}) as game_status,
    cast(picks.game_period as {{ dbt.type_bigint() }}) as period,
    cast(picks.game_clock as {{ dbt.type_string() }}) as clock,
    {{ round_float('picks.predicted_points', 1) }} as prediction,
    cast(picks.points_line as {{ type_double() }}) as line,
    cast(picks.recommendation as {{ dbt.type_string() }}) as direction,
    cast(
        case when picks.live_status not in ('pending', 'void') then picks.points end
        as {{ dbt.type_bigint() }}
    ) as actual,
    cast(
        case when picks.live_status <> 'pending' and picks.has_live_row then picks.minutes_clock end
        as {{ dbt.type_string() }}
    ) as minutes,
    cast(picks.live_status as {{ dbt.type_string() }}) as status,
    cast(picks.pick_id as {{ dbt.type_string() }}) as pick_id,
    cast(picks.game_start_at as {{ dbt.type_timestamp() }}) as tipoff,
    picks.is_home as home
from picks
inner join nights
    on picks.game_date = nights.game_date
