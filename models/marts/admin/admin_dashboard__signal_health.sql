-- admin/dashboard.json, part `signal_health`: each allowlisted signal tag's health on the
-- as-of date.
with as_of as (
    select {{ track_record_as_of() }} as as_of_date
)

select
    as_of.as_of_date as as_of,
    cast(tags.signal_tag as {{ dbt.type_string() }}) as tag,
    cast(tags.n_7d as {{ dbt.type_bigint() }}) as n_7d,
    cast(tags.hit_rate_7d as {{ type_double() }}) as hit_rate_7d,
    cast(tags.n_season as {{ dbt.type_bigint() }}) as n_season,
    cast(tags.hit_rate_season as {{ type_double() }}) as hit_rate_season,
    cast(tags.divergence as {{ type_double() }}) as divergence,
    cast(tags.regime as {{ dbt.type_string() }}) as regime
from {{ ref('int_signal_health_daily') }} as tags
inner join as_of on tags.game_date = as_of.as_of_date
