{{ config(bigquery_table_layout('date', ['group_id'])) }}
-- depends_on: {{ ref('public_picks__picks') }}
-- picks/{date}.json, the document's root. One row per game date (up to the current slate,
-- contract §4) x group of that day (int_groups_published: a locked day's recorded groups,
-- else the active ones); its picks come from the part public_picks__picks (a group without
-- a pick that day is published with picks: []). The day's champion (model) and its signal
-- come from int_days_published (macro champion_days: the locked record of a day whose last
-- game has tipped off, else this run's).
-- record_*: the group's season / month / week record as of the file's date, its hit rate
-- with the Wilson 95 % interval (contract §3 Uncertainty: pct_low, pct_high).
with champion_signals as (
    {{ champion_days() }}
),

records as (
    select * from {{ ref('int_subset_performance_windows') }}
    where window_name in ('season', 'month', 'week')
)

select
    day_groups.game_date as date,
    cast({{ day_champion_codename('champion_signals') }} as {{ dbt.type_string() }}) as model,
    cast({{ public_signal('champion_signals.signal') }} as {{ dbt.type_string() }}) as signal,
    cast(day_groups.public_id as {{ dbt.type_bigint() }}) as group_id,
    cast(day_groups.public_name as {{ dbt.type_string() }}) as group_name,
    record_season.wins as record_season_wins,
    record_season.losses as record_season_losses,
    record_season.hit_rate as record_season_pct,
    record_season.hit_rate_low as record_season_pct_low,
    record_season.hit_rate_high as record_season_pct_high,
    record_month.wins as record_month_wins,
    record_month.losses as record_month_losses,
    record_month.hit_rate as record_month_pct,
    record_month.hit_rate_low as record_month_pct_low,
    record_month.hit_rate_high as record_month_pct_high,
    record_week.wins as record_week_wins,
    record_week.losses as record_week_losses,
    record_week.hit_rate as record_week_pct,
    record_week.hit_rate_low as record_week_pct_low,
    record_week.hit_rate_high as record_week_pct_high
from {{ ref('int_groups_published') }} as day_groups
left join champion_signals
    on day_groups.game_date = champion_signals.game_date
{%- for window in ['season', 'month', 'week'] %}
left join records as record_{{ window }}
    on day_groups.game_date = record_{{ window }}.as_of_date
    and day_groups.subset_id = record_{{ window }}.subset_id
    and record_{{ window }}.window_name = '{{ window }}'
{%- endfor %}
