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
