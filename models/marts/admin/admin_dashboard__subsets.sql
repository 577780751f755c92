-- admin/dashboard.json, part `subsets`: each active subset over the last 7, 14 and 30 days
-- of the as-of date (one row per subset x window; window_order orders the windows).
select
    as_of.as_of_date as as_of,
    subsets.public_id,
    subsets.public_name as name,
    windows.window_name,
    cast(
        case windows.window_name when 'last_7_days' then 1 when 'last_14_days' then 2 else 3 end
        as {{ dbt.type_bigint() }}
    ) as window_order,
    windows.graded_picks as picks,
    windows.wins,
    windows.losses,
    windows.hit_rate,
    windows.hit_rate_low,
    windows.hit_rate_high,
    windows.roi_pct as roi
from {{ ref('int_subset_performance_windows') }} as windows
inner join {{ ref('int_track_record_as_of') }} as as_of on windows.as_of_date = as_of.as_of_date
inner join {{ ref('subset_definitions') }} as subsets on windows.subset_id = subsets.subset_id
where
    subsets.is_active
    and windows.window_name in ('last_7_days', 'last_14_days', 'last_30_days')
