-- best-bets/all.json, part `weeks` (publish declaration of public_best_bets__all): one row
-- per week of the season up to the latest game date that has best bets, with its record.
with season_bets as (
    select * from {{ ref('int_best_bets_season_to_date') }}
),

weeks as (
    select
        season_label,
        week_start,
        sum(is_win) as wins,
        sum(is_loss) as losses,
        sum(is_pending) as pending
    from season_bets
    group by season_label, week_start
)

select
    cast(season_label as {{ dbt.type_string() }}) as season,
    week_start,
    cast(wins as {{ dbt.type_bigint() }}) as wins,
    cast(losses as {{ dbt.type_bigint() }}) as losses,
    cast(pending as {{ dbt.type_bigint() }}) as pending,
    {{ hit_rate_with_interval('wins', 'losses', 'pct') }}
from weeks
