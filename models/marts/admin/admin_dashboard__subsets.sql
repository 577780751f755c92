-- admin/dashboard.json, part `subsets`: each active subset over the last 7, 14 and 30 days
-- of the as-of date (one row per subset x window; window_order orders the windows).
with as_of as (
    select {{ track_record_as_of() }} as as_of_date
)

select
    as_of.as_of_date as as_of,
    cast(subsets.public_id as {{ dbt.type_bigint() }}) as public_id,
    cast(subsets.public_name as {{ dbt.type_string() }}) as name,
    cast(windows.window_name as {{ dbt.type_string() }}) as window_name,
    cast(
        case windows.window_name when 'last_7_days' then 1 when 'last_14_days' then 2 else 3 end
        as {{ dbt.type_bigint() }}
    ) as window_order,
    cast(windows.graded_picks as {{ dbt.type_bigint() }}) as picks,
    cast(windows.wins as {{ dbt.type_bigint() }}) as wins,
    cast(windows.losses as {{ dbt.type_bigint() }}) as losses,
    cast(windows.hit_rate as {{ type_double() }}) as hit_rate,
    cast(windows.roi_pct as {{ type_double() }}) as roi
from {{ ref('int_subset_performance_windows') }} as windows
inner join as_of on windows.as_of_date = as_of.as_of_date
inner join {{ ref('subset_definitions') }} as subsets on windows.subset_id = subsets.subset_id
where
    subsets.is_active
    and windows.window_name in ('last_7_days', 'last_14_days', 'last_30_days')
