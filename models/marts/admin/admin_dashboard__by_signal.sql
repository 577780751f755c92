-- admin/dashboard.json, part `by_signal`: each active subset's season results by the day's
-- signal colour, as of the as-of date.
select
    as_of.as_of_date as as_of,
    subsets.public_id,
    by_signal.signal as signal_colour,
    by_signal.graded_picks as picks,
    by_signal.wins,
    by_signal.losses,
    by_signal.hit_rate,
    by_signal.hit_rate_low,
    by_signal.hit_rate_high,
    by_signal.roi_pct as roi
from {{ ref('int_subset_performance_by_signal') }} as by_signal
inner join {{ ref('int_track_record_as_of') }} as as_of on by_signal.as_of_date = as_of.as_of_date
inner join {{ ref('subset_definitions') }} as subsets on by_signal.subset_id = subsets.subset_id
where subsets.is_active
