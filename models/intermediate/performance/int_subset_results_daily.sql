{{ config(**fact_table_config(cluster_by=['subset_id'])) }}
-- Daily facts of every subset, active or retired (the locked days of a retired group keep
-- listing it with its records: int_groups_published): one row per subset x game date with
-- predictions (zero rows included, so cumulative records are defined on every date). Counts come
-- from the locked picks (int_picks_published, is_locked: the picks users saw, fixed when
-- the day's last game tipped off; a day not locked yet counts nothing) and their current
-- grades; profit sums the per-pick profit (a win pays its price, a loss costs 1) over ALL
-- picks of the day.
-- Incremental: rebuilds only the recent dates (macro rebuilt_dates) and every
-- date that still has a pending pick (a void can come days later).
with calendar as (
    select * from {{ ref('int_game_dates_calendared') }}
    where {{ rebuilt_dates(reopen='pending > 0') }}
),

subsets as (
    select subset_id from {{ ref('subset_definitions') }}
),

members as (
    select
        list_id as subset_id,
        game_date,
        grade,
        profit_units
    from {{ ref('int_picks_published') }}
    where
        is_locked
        and list_id != 'best_bets'
        and {{ rebuilt_dates(reopen='pending > 0') }}
),

daily as (
    select
        subset_id,
        game_date,
        count(*) as picks,
        sum(case when grade = 'win' then 1 else 0 end) as wins,
        sum(case when grade = 'loss' then 1 else 0 end) as losses,
        sum(case when grade = 'push' then 1 else 0 end) as pushes,
        sum(case when grade = 'void' then 1 else 0 end) as voids,
        sum(case when grade = 'pending' then 1 else 0 end) as pending,
        sum(profit_units) as profit_units
    from members
    group by subset_id, game_date
)

select
    calendar.game_date,
    calendar.season_label,
    subsets.subset_id,
    cast(coalesce(daily.picks, 0) as {{ dbt.type_bigint() }}) as picks,
    cast(coalesce(daily.wins, 0) as {{ dbt.type_bigint() }}) as wins,
    cast(coalesce(daily.losses, 0) as {{ dbt.type_bigint() }}) as losses,
    cast(coalesce(daily.pushes, 0) as {{ dbt.type_bigint() }}) as pushes,
    cast(coalesce(daily.voids, 0) as {{ dbt.type_bigint() }}) as voids,
    cast(coalesce(daily.pending, 0) as {{ dbt.type_bigint() }}) as pending,
    {{ round_float("coalesce(daily.profit_units, 0)", 6) }} as profit_units
from calendar
cross join subsets
left join daily
    on calendar.game_date = daily.game_date
    and subsets.subset_id = daily.subset_id
