{#- The horizon of the feeds (contract §1 real feeds; docs/bad_inputs.md "future-dated rows"):
    the last game date a source may hold at the run's clock, run_clock()'s date plus
    days_ahead (var max_days_ahead for the feeds written before a game: predictions,
    context, odds, signal tags; 0 for box scores and live box scores, which exist only
    once a game is played). A row dated after it (a next season's row loaded by mistake) is
    quarantined: staging drops it, so it never becomes "tonight", never switches the
    season and never moves an incremental window; the source's not_after_horizon test
    (severity warn) names it on every run. -#}
{% macro horizon_date(days_ahead=none) -%}
    {{ add_days('cast(' ~ run_clock() ~ ' as date)', var('max_days_ahead') if days_ahead is none else days_ahead) }}
{%- endmacro %}

{#- Keeps the rows within the horizon; a null date is kept (its not_null test names it). -#}
{% macro within_horizon(date_column, days_ahead=none) -%}
    ({{ date_column }} <= {{ horizon_date(days_ahead) }} or {{ date_column }} is null)
{%- endmacro %}

{#- True unless the tip-off `tipoff_at` (UTC) of a context row is past its game date `game_date`
    and the day after (plus var tipoff_days_after_date days), the hours an NBA night's games
    tip off in UTC. A start time past them is a bad row (a game rescheduled in place with its
    date left behind, a typo): staging ignores it, so the game locks at its other rows' tip-off
    or at the end of its date, and the source's tipoff_not_past_its_date test (severity warn)
    names it on every run. Such a tip-off used to hold the game's lock back until the record's
    window had passed its date: the game was then fixed with no candidate, and a full refresh
    gave other picks (docs/bad_inputs.md). A tip-off before its date is kept: it can only lock
    the game earlier, never count a prediction made after the real tip-off. True for a null
    tip-off or date. -#}
{% macro tipoff_not_past_its_date(tipoff_at, game_date) -%}
    {%- set day_after_window = add_days(game_date, 2 + var('tipoff_days_after_date')) -%}
    (
        {{ tipoff_at }} is null
        or {{ game_date }} is null
        or cast({{ tipoff_at }} as {{ dbt.type_timestamp() }})
        < cast({{ day_after_window }} as {{ dbt.type_timestamp() }})
    )
{%- endmacro %}
