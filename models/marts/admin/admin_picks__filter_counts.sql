{{ config(**fact_table_config(cluster_by=none, date_column='date')) }}
-- admin/picks/{date}.json, part `filter_counts`: one row per day and best-bet outcome
-- (selected, or the first failing filter) with its number of candidates. Incremental by date.
select
    game_date as date,
    cast(coalesce(filter_reason, 'selected') as {{ dbt.type_string() }}) as outcome,
    cast(count(*) as {{ dbt.type_bigint() }}) as candidates
from {{ ref('int_best_bets_filtered') }}
where {{ rebuilt_dates() }}
group by game_date, coalesce(filter_reason, 'selected')
