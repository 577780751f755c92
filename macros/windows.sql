{#- Sums of daily facts over windows that end on each as-of date and never start
    before that date's season opening night (contract §3 Windows). One formula for every
    track record (subsets, models, signal tags, edge tiers, market regime): the block
    facts -> calendar -> windowed sums lives here once.

    facts:    a relation or CTE name with a `game_date` column, the key columns and
              the measures (one row per key x game_date);
    windows:  names, from: the rolling windows of var('rolling_windows') (days) and
              'season', 'month', 'week'.
    The as-of dates are the game dates of int_game_dates_calendared that the calling
    incremental model rebuilds (rebuilt_dates(): every date on a full build).
    days_before: the windows end this many days before the as-of date (default 0: on it),
              e.g. 1 for "as of the day before" (contract §3 Best bets, model_blocked); the
              window keeps its length and still never starts before the as-of date's
              opening night.
    Returns the SELECT giving as_of_date, window_name, start_date, end_date, the keys
    and sum(measure) as measure. Only facts dated in [start_date, end_date] are read.
    A key with no fact row in a window gets no row. -#}
{% macro windowed_sums(facts, keys, measures, windows, days_before=0) -%}
    {%- set rolling = var('rolling_windows') -%}
    {%- set periods = {'season': 'season_start', 'month': 'month_start', 'week': 'week_start'} -%}
    with as_of_dates as (
        select * from {{ ref('int_game_dates_calendared') }}
        where {{ rebuilt_dates() }}
    ),

    window_bounds as (
        {%- for window_name in windows %}
        select
            game_date as as_of_date,
            '{{ window_name }}' as window_name,
            {%- if window_name in rolling %}
            {%- set days = rolling_window_days(window_name) %}
            greatest(season_start, {{ add_days('game_date', 1 - days - days_before) }})
                as start_date,
            {%- elif window_name in periods and not days_before %}
            {{ periods[window_name] }} as start_date,
            {%- else %}
            {{ exceptions.raise_compiler_error("windowed_sums: unknown window " ~ window_name
                ~ (" (days_before: rolling windows only)" if days_before else "")) }}
            {%- endif %}
            {{ add_days('game_date', -days_before) if days_before else 'game_date' }} as end_date
        from as_of_dates
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    )

    select
        window_bounds.as_of_date,
        window_bounds.window_name,
        window_bounds.start_date,
        window_bounds.end_date,
        {%- for key in keys %}
        windowed_facts.{{ key }},
        {%- endfor %}
        {%- for measure in measures %}
        sum(windowed_facts.{{ measure }}) as {{ measure }}{{ ',' if not loop.last }}
        {%- endfor %}
    from window_bounds
    inner join {{ facts }} as windowed_facts
        on windowed_facts.game_date >= window_bounds.start_date
        and windowed_facts.game_date <= window_bounds.end_date
    group by
        window_bounds.as_of_date,
        window_bounds.window_name,
        window_bounds.start_date,
        window_bounds.end_date
        {%- for key in keys %},
        windowed_facts.{{ key }}
        {%- endfor %}
{%- endmacro %}

{#- The length in days of the rolling window `window_name` (var rolling_windows). Its name
    says its length, and the files publish that name (last_7_days; the dashboard's 7d, 14d,
    30d): a length that differs from it would publish, say, 10 days as last_7_days, so it is
    refused, naming the fix. -#}
{% macro rolling_window_days(window_name) -%}
    {%- set days = var('rolling_windows')[window_name] -%}
    {%- if window_name != 'last_' ~ days ~ '_days' -%}
        {{ exceptions.raise_compiler_error("var rolling_windows: " ~ window_name ~ " is "
            ~ days ~ " days, but a rolling window's name is its length and is published as"
            ~ " such: keep " ~ window_name ~ ": " ~ window_name.split('_')[1] ~ " (a window of"
            ~ " another length needs new published fields, not a new value)") }}
    {%- endif -%}
    {{ return(days) }}
{%- endmacro %}
