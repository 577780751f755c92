{{ config(**fact_table_config(cluster_by=['subset_id', 'window_name'], date_column='as_of_date')) }}
-- contract §3 Windows. One row per as-of date x subset x window, for every game date as
-- the as-of date d (so any past date can be published and the picks file of date d
-- shows the record as of d). Windows, all ending on d and never starting before the
-- season's opening night:
--   last_7_days / last_14_days / last_30_days  [d-6, d] / [d-13, d] / [d-29, d]
--   season [season start, d]; month [1st of d's month, d]; week [Monday of d's week, d].
-- Only facts dated <= d are read (no future leakage).
-- Incremental by as_of_date: an as-of date rebuilt reads its season's facts.
with facts as (
    select * from {{ ref('int_subset_results_daily') }}
    where {{ rebuilt_history() }}
),

summed as (
    {{ windowed_sums(
        facts='facts',
        keys=['subset_id'],
        measures=['picks', 'wins', 'losses', 'pushes', 'voids', 'pending', 'profit_units'],
        windows=['last_7_days', 'last_14_days', 'last_30_days', 'season', 'month', 'week'],
    ) | indent(4) }}
)

select
    as_of_date,
    subset_id,
    window_name,
    start_date,
    end_date,
    cast(picks as {{ dbt.type_bigint() }}) as picks,
    cast(wins as {{ dbt.type_bigint() }}) as wins,
    cast(losses as {{ dbt.type_bigint() }}) as losses,
    cast(pushes as {{ dbt.type_bigint() }}) as pushes,
    cast(voids as {{ dbt.type_bigint() }}) as voids,
    cast(pending as {{ dbt.type_bigint() }}) as pending,
    {{ round_float('profit_units', 6) }} as profit_units,
    {{ performance_stats('wins', 'losses', round_float('profit_units', 6)) }}
from summed
