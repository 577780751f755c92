{{ config(bigquery_table_layout('date', ['group_id'])) }}
-- picks/{date}.json. One row per game date x active group x pick; a group with no
-- pick that day is one row with null pick columns (published as picks: []).
-- Picks come only from int_picks_published: the locked record of a day whose last game
-- has tipped off, else this run's subset members (the subset rules live in
-- int_subset_members_ranked); the day's signal likewise (int_days_published).
-- record_*: the group's season / month / week record as of the file's date.
with prediction_dates as (
    select distinct game_date from {{ ref('int_days_published') }}
),

champion_signals as (
    select * from {{ ref('int_days_published') }}
    where system_id = {{ champion_system_id() }}
),

subsets as (
    select * from {{ ref('subset_definitions') }}
    where is_active
),

picks as (
    select * from {{ ref('int_picks_published') }}
    where list_id != 'best_bets'
),

records as (
    select * from {{ ref('int_subset_performance_windows') }}
    where window_name in ('season', 'month', 'week')
)

select
    prediction_dates.game_date as date,
    cast({{ champion_codename() }} as {{ dbt.type_string() }}) as model,
    cast({{ public_signal('champion_signals.signal') }} as {{ dbt.type_string() }}) as signal,
    cast(subsets.public_id as {{ dbt.type_bigint() }}) as group_id,
    cast(subsets.public_name as {{ dbt.type_string() }}) as group_name,
    record_season.wins as record_season_wins,
    record_season.losses as record_season_losses,
    record_season.hit_rate as record_season_pct,
    record_month.wins as record_month_wins,
    record_month.losses as record_month_losses,
    record_month.hit_rate as record_month_pct,
    record_week.wins as record_week_wins,
    record_week.losses as record_week_losses,
    record_week.hit_rate as record_week_pct,
    cast(picks.pick_rank as {{ dbt.type_bigint() }}) as pick_rank,
    cast(picks.player_full_name as {{ dbt.type_string() }}) as player,
    cast(picks.team_abbr as {{ dbt.type_string() }}) as team,
    cast(picks.opponent_team_abbr as {{ dbt.type_string() }}) as opponent,
    {{ round_float('picks.predicted_points', 1) }} as prediction,
    cast(picks.points_line as {{ type_double() }}) as line,
    cast(picks.recommendation as {{ dbt.type_string() }}) as direction,
    cast(
        case when picks.grade in ('win', 'loss', 'push') then picks.actual_points end
        as {{ dbt.type_bigint() }}
    ) as actual,
    cast({{ public_result('picks.grade') }} as {{ dbt.type_string() }}) as result,
    cast(picks.pick_id as {{ dbt.type_string() }}) as pick_id,
    cast(picks.game_start_at as {{ dbt.type_timestamp() }}) as tipoff,
    picks.is_home as home
from prediction_dates
cross join subsets
left join champion_signals
    on prediction_dates.game_date = champion_signals.game_date
left join picks
    on prediction_dates.game_date = picks.game_date
    and subsets.subset_id = picks.list_id
{%- for window in ['season', 'month', 'week'] %}
left join records as record_{{ window }}
    on prediction_dates.game_date = record_{{ window }}.as_of_date
    and subsets.subset_id = record_{{ window }}.subset_id
    and record_{{ window }}.window_name = '{{ window }}'
{%- endfor %}
