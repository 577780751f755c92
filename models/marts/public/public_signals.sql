{{ config(bigquery_table_layout('date')) }}
-- signals/{date}.json. One row per game date with predictions up to the current slate
-- (contract §4 Current slate, int_days_published): the champion's daily market signal in
-- public words, and its codename (macro champion_days, int_days_published: the record, the
-- champion of its day included, once the day is locked); a day without a
-- signal reads neutral / unknown / 0 with a note.
with prediction_dates as (
    select distinct game_date from {{ ref('int_days_published') }}
),

champion_signals as (
    {{ champion_days() }}
)

select
    prediction_dates.game_date as date,
    cast({{ day_champion_codename('champion_signals') }} as {{ dbt.type_string() }}) as model,
    cast({{ public_signal('champion_signals.signal') }} as {{ dbt.type_string() }}) as signal,
    cast({{ public_skew('champion_signals.skew') }} as {{ dbt.type_string() }}) as conditions,
    cast(
        case when champion_signals.has_signal then champion_signals.high_edge_picks else 0 end
        as {{ dbt.type_bigint() }}
    ) as picks,
    cast(case
        when coalesce(champion_signals.has_signal, false) then null
        else 'Not enough picks today to read the market.'
    end as {{ dbt.type_string() }}) as note
from prediction_dates
left join champion_signals
    on prediction_dates.game_date = champion_signals.game_date
