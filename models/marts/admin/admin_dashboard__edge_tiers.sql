-- admin/dashboard.json, part `edge_tiers`: picks, hit rate (Wilson bounds), MAE, ROI per tier over
-- the 30 days of the as-of date (tier_order: high, medium, low).
select
    as_of.as_of_date as as_of,
    tiers.edge_tier as tier,
    cast(
        case tiers.edge_tier when 'high' then 1 when 'medium' then 2 else 3 end
        as {{ dbt.type_bigint() }}
    ) as tier_order,
    tiers.graded_picks as picks,
    tiers.hit_rate,
    tiers.hit_rate_low,
    tiers.hit_rate_high,
    tiers.mae,
    tiers.roi_pct as roi
from {{ ref('int_edge_tier_performance_windows') }} as tiers
inner join {{ ref('int_track_record_as_of') }} as as_of on tiers.as_of_date = as_of.as_of_date
