-- Grain: one row per run of days without games of seeds/days_without_games.csv (first_day).
-- Source freshness reads it (macros/freshness.sql: a listed day does not age a feed); no model
-- does. season_label: the season whose window (opening night .. end_date + var
-- freshness_postseason_days) holds the whole run, by the season-label rule of its first day;
-- null when none does, or the run has no last_day or ends before it starts (a typo: freshness
-- ignores the row, and the not_null test names it).
with listed as (
    select
        first_day,
        last_day,
        reason,
        {{ season_label('first_day') }} as season_label
    from {{ ref('days_without_games') }}
),

seasons as (
    select
        season_label,
        start_date,
        {{ add_days('end_date', var('freshness_postseason_days')) }} as window_end
    from {{ ref('seasons') }}
)

select
    listed.first_day,
    listed.last_day,
    listed.reason,
    case
        when
            seasons.start_date <= listed.first_day
            and listed.first_day <= listed.last_day
            and listed.last_day <= seasons.window_end
            then seasons.season_label
    end as season_label
from listed
left join seasons
    on listed.season_label = seasons.season_label
