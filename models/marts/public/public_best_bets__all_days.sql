-- best-bets/all.json, part `weeks[].days` (publish declaration of public_best_bets__all): one
-- row per day with best bets, with its record and status: pending (no win, no loss), sweep
-- (wins, no loss), miss (losses, no win), split.
with season_bets as (
    select * from {{ ref('int_best_bets_season_to_date') }}
),

days as (
    select
        week_start,
        game_date,
        sum(is_win) as wins,
        sum(is_loss) as losses,
        sum(is_pending) as pending
    from season_bets
    group by week_start, game_date
)

select
    week_start,
    game_date as day_date,
    cast(case
        when wins = 0 and losses = 0 then 'pending'
        when losses = 0 then 'sweep'
        when wins = 0 then 'miss'
        else 'split'
    end as {{ dbt.type_string() }}) as status,
    cast(wins as {{ dbt.type_bigint() }}) as wins,
    cast(losses as {{ dbt.type_bigint() }}) as losses,
    cast(pending as {{ dbt.type_bigint() }}) as pending
from days
