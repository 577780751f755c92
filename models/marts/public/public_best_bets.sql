{{ config(bigquery_table_layout('date')) }}
-- depends_on: {{ ref('public_best_bets__picks') }}
-- best-bets/{date}.json, the document's root: one row per game date with predictions up
-- to the current slate (contract §4, macro not_after_current_slate), its season and
-- status. status: sitting_out when the day's champion is BLOCKED going into the day (its
-- health state entering the day, macro champion_days: the record, the champion of its day
-- included, once the day is locked; contract
-- §3 model_blocked), with a note in plain words, and no picks; else ok. The
-- picks come from the part public_best_bets__picks (publish declaration, `from:`).
with days as (
    {{ champion_days() }}
)

select
    calendar.game_date as date,
    cast(calendar.season_label as {{ dbt.type_string() }}) as season,
    cast(
        case when days.state_entering_day = 'BLOCKED' then 'sitting_out' else 'ok' end
        as {{ dbt.type_string() }}
    ) as status,
    cast(
        case
            when days.state_entering_day = 'BLOCKED' then '{{ var("best_bets_sitting_out_note") }}'
        end
        as {{ dbt.type_string() }}
    ) as note
from {{ ref('int_game_dates_calendared') }} as calendar
left join days on calendar.game_date = days.game_date
where {{ not_after_current_slate('calendar.game_date') }}
