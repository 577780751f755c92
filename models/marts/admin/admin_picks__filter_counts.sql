{{ config(**fact_table_config(cluster_by=none, date_column='date')) }}
-- admin/picks/{date}.json, part `filter_counts`: one row per day and best-bet outcome
-- (macro best_bet_outcome: selected, or the first failing filter) with its number of
-- candidates. Incremental by date.
with published as (
    select * from {{ ref('int_picks_published') }}
    where list_id = 'best_bets' and {{ rebuilt_dates() }}
),

outcomes as (
    select
        filtered.game_date,
        {{ best_bet_outcome('published.pick_rank', 'filtered.filter_reason') }} as outcome
    from {{ ref('int_best_bets_filtered') }} as filtered
    left join published
        on filtered.game_date = published.game_date
        and filtered.player_lookup = published.player_lookup
        and filtered.game_id = published.game_id
        and filtered.system_id = published.system_id
    where {{ rebuilt_dates('filtered.game_date') }}
)

select
    game_date as date,
    cast(outcome as {{ dbt.type_string() }}) as outcome,
    cast(count(*) as {{ dbt.type_bigint() }}) as candidates
from outcomes
group by game_date, outcome
