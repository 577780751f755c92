-- admin/dashboard.json, part `by_signal`: each active subset's season results by the day's
-- signal colour, as of the as-of date.
with as_of as (
    select {{ track_record_as_of() }} as as_of_date
)

select
    as_of.as_of_date as as_of,
    cast(subsets.public_id as {{ dbt.type_bigint() }}) as public_id,
    cast(by_signal.signal as {{ dbt.type_string() }}) as signal_colour,
    cast(by_signal.graded_picks as {{ dbt.type_bigint() }}) as picks,
    cast(by_signal.wins as {{ dbt.type_bigint() }}) as wins,
    cast(by_signal.losses as {{ dbt.type_bigint() }}) as losses,
    cast(by_signal.hit_rate as {{ type_double() }}) as hit_rate,
    cast(by_signal.roi_pct as {{ type_double() }}) as roi
from {{ ref('int_subset_performance_by_signal') }} as by_signal
inner join as_of on by_signal.as_of_date = as_of.as_of_date
inner join {{ ref('subset_definitions') }} as subsets on by_signal.subset_id = subsets.subset_id
where subsets.is_active
