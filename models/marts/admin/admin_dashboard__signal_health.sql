-- admin/dashboard.json, part `signal_health`: each allowlisted signal tag's health on the
-- as-of date. The allowlist is read as it is now: int_signal_health_daily keeps the dates it
-- built under an earlier one (incremental), so a tag taken off it is dropped here at once.
select
    as_of.as_of_date as as_of,
    tags.signal_tag as tag,
    tags.n_7d,
    tags.hit_rate_7d,
    tags.hit_rate_7d_low,
    tags.hit_rate_7d_high,
    tags.n_season,
    tags.hit_rate_season,
    tags.hit_rate_season_low,
    tags.hit_rate_season_high,
    tags.divergence,
    tags.regime
from {{ ref('int_signal_health_daily') }} as tags
inner join {{ ref('int_track_record_as_of') }} as as_of on tags.game_date = as_of.as_of_date
inner join {{ ref('signal_allowlist') }} as allowlist on tags.signal_tag = allowlist.signal_tag
