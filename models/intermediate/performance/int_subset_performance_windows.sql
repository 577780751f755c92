-- SPEC §3 Windows. One row per as-of date x subset x window, for every game date as
-- the as-of date d (so any past date can be published and the picks file of date d
-- shows the record as of d). Windows, all ending on d and never starting before the
-- season's opening night:
--   last_7_days / last_14_days / last_30_days  [d-6, d] / [d-13, d] / [d-29, d]
--   season [season start, d]; month [1st of d's month, d]; week [Monday of d's week, d].
-- Only facts dated <= d are read (no future leakage).
{%- set rolling = var('rolling_windows') %}
with facts as (
    select * from {{ ref('int_subset_results_daily') }}
),

calendar as (
    select * from {{ ref('int_game_dates_calendared') }}
),

rolling_bounds as (
    {%- for window_name, days in rolling.items() %}
    select
        calendar.game_date as as_of_date,
        '{{ window_name }}' as window_name,
        greatest(calendar.season_start, {{ add_days('calendar.game_date', 1 - days) }}) as start_date
    from calendar
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

period_bounds as (
    select game_date as as_of_date, 'season' as window_name, season_start as start_date
    from calendar
    union all
    select game_date as as_of_date, 'month' as window_name, month_start as start_date
    from calendar
    union all
    select game_date as as_of_date, 'week' as window_name, week_start as start_date
    from calendar
),

bounds as (
    select * from rolling_bounds
    union all
    select * from period_bounds
),

summed as (
    select
        bounds.as_of_date,
        bounds.window_name,
        bounds.start_date,
        facts.subset_id,
        sum(facts.picks) as picks,
        sum(facts.wins) as wins,
        sum(facts.losses) as losses,
        sum(facts.pushes) as pushes,
        sum(facts.voids) as voids,
        sum(facts.pending) as pending,
        sum(facts.profit_units) as profit_units
    from bounds
    inner join facts
        on facts.game_date >= bounds.start_date
        and facts.game_date <= bounds.as_of_date
    group by bounds.as_of_date, bounds.window_name, bounds.start_date, facts.subset_id
)

select
    as_of_date,
    subset_id,
    window_name,
    start_date,
    as_of_date as end_date,
    cast(picks as {{ dbt.type_bigint() }}) as picks,
    cast(wins as {{ dbt.type_bigint() }}) as wins,
    cast(losses as {{ dbt.type_bigint() }}) as losses,
    cast(pushes as {{ dbt.type_bigint() }}) as pushes,
    cast(voids as {{ dbt.type_bigint() }}) as voids,
    cast(pending as {{ dbt.type_bigint() }}) as pending,
    cast(profit_units as {{ type_double() }}) as profit_units,
    {{ performance_stats('wins', 'losses', 'profit_units') }}
from summed
