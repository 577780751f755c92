-- admin/dashboard.json, part `edge_tiers`: picks, hit rate, MAE and ROI per edge tier over
-- the 30 days of the as-of date (tier_order: high, medium, low).
with as_of as (
    select {{ track_record_as_of() }} as as_of_date
)

select
    as_of.as_of_date as as_of,
    cast(tiers.edge_tier as {{ dbt.type_string() }}) as tier,
    cast(
        case tiers.edge_tier when 'high' then 1 when 'medium' then 2 else 3 end
        as {{ dbt.type_bigint() }}
    ) as tier_order,
    cast(tiers.graded_picks as {{ dbt.type_bigint() }}) as picks,
    cast(tiers.hit_rate as {{ type_double() }}) as hit_rate,
    cast(tiers.mae as {{ type_double() }}) as mae,
    cast(tiers.roi_pct as {{ type_double() }}) as roi
from {{ ref('int_edge_tier_performance_windows') }} as tiers
inner join as_of on tiers.as_of_date = as_of.as_of_date
