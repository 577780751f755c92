{%- set fix -%}
    correct the var in dbt_project.yml (or --vars; every threshold: docs/contract.md §3),
    then run dbt build. The record locks no day until it does
{%- endset %}
{{ config(meta={'fix': fix.split() | join(' '), 'input': 'vars of dbt_project.yml (or --vars)'}) }}
-- depends_on: {{ ref('stg_nba_predictions__player_prop_predictions') }}
{#- The thresholds of contract §3 are vars an analyst edits. A value that breaks one of the
    rules below is always a mistake, never a lever: it changed no test's outcome, only the
    numbers (a default price of -11 for -110 paid 9.09 units a win into every ROI; N_7d 0
    called a model with no graded pick HEALTHY; a negative edge weight ranked the lowest edge
    first). Levers stay allowed: a BLOCKED bar raised above the others sits the champion out
    (test_pick_engine), a lookback of 0 days rebuilds tonight only (test_bad_day). The record
    locks what these rules give at each tip-off, for good, so the check sits on the staging
    view every model reads (the depends_on above): a failure skips everything after it, the
    record included. One row per broken rule: the var, its value and what it must be. -#}
{%- set n = {} -%}
{%- for name in ['composite_edge_weight', 'composite_confidence_weight', 'skew_under_heavy_below',
                 'skew_over_heavy_above', 'health_min_n_7d', 'line_min_exclusive', 'line_max',
                 'pick_price_limit', 'default_american_odds', 'wilson_z'] -%}
{%- do n.update({name: var(name) | float}) -%}
{%- endfor -%}
{%- set rules = [
    ('composite_edge_weight', n.composite_edge_weight > 0, 'above 0: else a lower edge ranks first'),
    ('composite_confidence_weight', n.composite_confidence_weight >= 0,
        'at least 0: else a lower confidence breaks ties first'),
    ('skew_under_heavy_below', n.skew_under_heavy_below <= n.skew_over_heavy_above,
        'at most skew_over_heavy_above (' ~ var('skew_over_heavy_above') ~ '): else a day is both'),
    ('health_min_n_7d', n.health_min_n_7d >= 1,
        'at least 1: else a model with no graded pick in 7 days is HEALTHY'),
    ('line_min_exclusive', n.line_min_exclusive < n.line_max,
        'below line_max (' ~ var('line_max') ~ '): else no line is a line'),
    ('pick_price_limit', n.pick_price_limit >= 100,
        'at least 100: an American price is never nearer 0 than +/-100'),
    ('default_american_odds', 100 <= (n.default_american_odds | abs) <= n.pick_price_limit,
        'a price from +/-100 to +/-pick_price_limit (' ~ var('pick_price_limit')
        ~ '): a win pays 100/|odds| units, or odds/100'),
    ('wilson_z', n.wilson_z > 0, 'above 0: else every interval is a point, or upside down'),
] -%}
{%- set broken = rules | rejectattr(1) | list -%}
{%- if broken %}
{%- for name, holds, rule in broken %}
select '{{ name }}' as var_name, {{ dbt.string_literal(dbt.escape_single_quotes(var(name) | string)) }} as var_value,
    {{ dbt.string_literal(dbt.escape_single_quotes(rule)) }} as must_be
{% if not loop.last %}union all{% endif %}
{%- endfor %}
{%- else %}
{#- no rule broken: no row (BigQuery refuses a WHERE without a FROM) #}
select
    var_name,
    var_value,
    must_be
from (
    select
        'none' as var_name,
        'none' as var_value,
        'none' as must_be
) as no_rule_broken
where false
{%- endif %}
