{{ config(bigquery_table_layout('as_of', ['window_name', 'group_id'])) }}
-- subsets/performance.json. One row per as-of date x window x active group, for every
-- game date up to the track-record as-of date (var as_of_date, default the latest
-- graded game date); the publisher publishes one as-of date (--as-of, default the
-- latest). Every active group appears in every window (zeros when it had no pick).
with windows as (
    select * from {{ ref('int_subset_performance_windows') }}
    where
        window_name in ('last_7_days', 'last_30_days', 'season')
        and as_of_date <= {{ track_record_as_of() }}
),

subsets as (
    select * from {{ ref('subset_definitions') }}
    where is_active
)

select
    windows.as_of_date as as_of,
    cast({{ champion_codename() }} as {{ dbt.type_string() }}) as model,
    cast(windows.window_name as {{ dbt.type_string() }}) as window_name,
    cast(case windows.window_name
        when 'last_7_days' then 1
        when 'last_30_days' then 2
        else 3
    end as {{ dbt.type_bigint() }}) as window_order,
    windows.start_date,
    windows.end_date,
    cast(subsets.public_id as {{ dbt.type_bigint() }}) as group_id,
    cast(subsets.public_name as {{ dbt.type_string() }}) as group_name,
    windows.graded_picks as picks,
    windows.wins,
    windows.losses,
    windows.hit_rate,
    windows.hit_rate_low,
    windows.hit_rate_high,
    windows.roi_pct as roi
from windows
inner join subsets
    on windows.subset_id = subsets.subset_id
