{#- contract §3 payout of a winning 1-unit stake at an American price:
    100/|odds| for a negative price, odds/100 for a positive one. -#}
{% macro american_payout(odds) -%}
    case
        when {{ odds }} < 0 then 100.0 / abs({{ odds }})
        when {{ odds }} > 0 then {{ odds }} / 100.0
    end
{%- endmacro %}

{#- Wilson score interval bound (z = var wilson_z) of wins out of n, in % with 1 dp,
    clamped to [0, 100] (so float noise never prints -0.0); null when n = 0.
    bound: 'low' or 'high'. -#}
{% macro wilson_bound(wins, n, bound) -%}
    {%- set z = var('wilson_z') -%}
    {%- set p = '(1.0 * (' ~ wins ~ ') / (' ~ n ~ '))' -%}
    {%- set sign = '-' if bound == 'low' else '+' -%}
    {%- set value -%}
        100 * (
            {{ p }} + {{ z }} * {{ z }} / (2.0 * ({{ n }}))
            {{ sign }} {{ z }} * sqrt({{ p }} * (1 - {{ p }}) / ({{ n }}) + {{ z }} * {{ z }} / (4.0 * ({{ n }}) * ({{ n }})))
        ) / (1 + {{ z }} * {{ z }} / ({{ n }}))
    {%- endset -%}
    case
        when ({{ n }}) > 0 then {{ round_float('greatest(0.0, least(100.0, ' ~ value ~ '))', 1) }}
    end
{%- endmacro %}

{#- The published statistics of a set of picks from its wins, losses and profit:
    graded picks, hit rate % (null when nothing graded), Wilson 95 % bounds and ROI %. -#}
{% macro performance_stats(wins, losses, profit) -%}
    cast({{ wins }} + {{ losses }} as {{ dbt.type_bigint() }}) as graded_picks,
    {{ hit_rate_with_interval(wins, losses) }},
    {{ round_float(safe_divide('100 * (' ~ profit ~ ')', '(' ~ wins ~ ' + ' ~ losses ~ ')'), 1) }} as roi_pct
{%- endmacro %}

{#- A published hit rate and its Wilson 95 % interval (contract §3 Uncertainty), as three
    columns: `name` (hit_rate_pct), `name`_low and `name`_high (wilson_bound), all null
    when nothing is graded. -#}
{% macro hit_rate_with_interval(wins, losses, name='hit_rate') -%}
    {{ hit_rate_pct(wins, losses) }} as {{ name }},
    {{ wilson_bound(wins, wins ~ ' + ' ~ losses, 'low') }} as {{ name }}_low,
    {{ wilson_bound(wins, wins ~ ' + ' ~ losses, 'high') }} as {{ name }}_high
{%- endmacro %}

{#- The as-of date of the published track record (int_track_record_as_of), as a scalar
    subquery. -#}
{% macro track_record_as_of() -%}
    (select as_of.as_of_date from {{ ref('int_track_record_as_of') }} as as_of)
{%- endmacro %}

{#- contract §3 model health state, first match wins, from the 7-day N and hit rate (1 dp). -#}
{% macro model_health_state(n_7d, hit_rate_7d) -%}
    case
        when {{ n_7d }} < {{ var('health_min_n_7d') }} then 'INSUFFICIENT_DATA'
        when {{ hit_rate_7d }} < {{ var('health_blocked_below') }} then 'BLOCKED'
        when {{ hit_rate_7d }} < {{ var('health_degrading_below') }} then 'DEGRADING'
        when {{ hit_rate_7d }} < {{ var('health_watch_below') }} then 'WATCH'
        else 'HEALTHY'
    end
{%- endmacro %}

{#- 100 x wins / (wins + losses), 1 dp, null when nothing is graded. -#}
{% macro hit_rate_pct(wins, losses) -%}
    {{ round_float(safe_divide('100 * (' ~ wins ~ ')', '(' ~ wins ~ ') + (' ~ losses ~ ')'), 1) }}
{%- endmacro %}

{#- The probability an American price implies (without removing the book's margin):
    |odds| / (|odds| + 100) for a negative price, 100 / (odds + 100) for a positive one;
    null for a null price. Used to find a book's most balanced (main) line. -#}
{% macro implied_probability(odds) -%}
    case
        when {{ odds }} < 0 then abs({{ odds }}) / (abs({{ odds }}) + 100.0)
        when {{ odds }} > 0 then 100.0 / ({{ odds }} + 100.0)
    end
{%- endmacro %}
