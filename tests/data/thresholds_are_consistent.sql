{%- set fix -%}
    correct the var in dbt_project.yml (or --vars; every threshold: docs/contract.md §3),
    then run dbt build. The record locks no day until it does
{%- endset %}
{{ config(meta={'fix': fix.split() | join(' '), 'input': 'vars of dbt_project.yml (or --vars)'}) }}
-- depends_on: {{ ref('stg_nba_predictions__player_prop_predictions') }}
{#- The thresholds of contract §3 are vars an analyst edits. Each rule below is one a value
    must keep for the rules that read it to mean anything; a value that breaks one changed no
    test's outcome, only the numbers: tiers swapped (high 3, medium 5) made no pick medium, a
    health ladder out of order made a state unreachable, N_7d 0 called a model with no graded
    pick HEALTHY, a lookback of 0 days left yesterday's picks pending. The record locks what
    these rules give at each tip-off, for good, so the check sits on the staging view every
    model reads (the depends_on above): a failure skips everything after it, the record
    included. One row per broken rule: the var, its value and what it must be. -#}
{%- set n = {} -%}
{%- for name in ['edge_tier_high_min', 'edge_tier_medium_min', 'composite_edge_weight',
                 'composite_confidence_weight', 'signal_red_pct_over_below', 'signal_yellow_pct_over_above',
                 'skew_under_heavy_below', 'skew_over_heavy_above', 'health_blocked_below',
                 'health_degrading_below', 'health_watch_below', 'health_min_n_7d', 'line_min_exclusive',
                 'line_max', 'predicted_points_min', 'predicted_points_max', 'pick_price_limit',
                 'default_american_odds', 'wilson_z', 'facts_lookback_days', 'blacklist_hit_rate_below'] -%}
    {%- do n.update({name: var(name) | float}) -%}
{%- endfor -%}
{%- set rules = [
    ('edge_tier_high_min', n.edge_tier_high_min > n.edge_tier_medium_min,
        'above edge_tier_medium_min (' ~ var('edge_tier_medium_min') ~ '): else no pick is medium'),
    ('edge_tier_medium_min', n.edge_tier_medium_min >= 0, 'at least 0 (an edge is never negative)'),
    ('composite_edge_weight', n.composite_edge_weight > 0, 'above 0: else a lower edge ranks first'),
    ('composite_confidence_weight', n.composite_confidence_weight >= 0,
        'at least 0: else a lower confidence breaks ties first'),
    ('signal_red_pct_over_below', n.signal_red_pct_over_below <= n.signal_yellow_pct_over_above,
        'at most signal_yellow_pct_over_above (' ~ var('signal_yellow_pct_over_above') ~ ')'),
    ('skew_under_heavy_below', n.skew_under_heavy_below <= n.skew_over_heavy_above,
        'at most skew_over_heavy_above (' ~ var('skew_over_heavy_above') ~ '): else a day is both'),
    ('health_blocked_below', n.health_blocked_below < n.health_degrading_below,
        'below health_degrading_below (' ~ var('health_degrading_below') ~ '): else no model is DEGRADING'),
    ('health_degrading_below', n.health_degrading_below < n.health_watch_below,
        'below health_watch_below (' ~ var('health_watch_below') ~ '): else no model is WATCH'),
    ('health_min_n_7d', n.health_min_n_7d >= 1,
        'at least 1: else a model with no graded pick in 7 days is HEALTHY'),
    ('line_min_exclusive', n.line_min_exclusive < n.line_max,
        'below line_max (' ~ var('line_max') ~ '): else no line is a line'),
    ('predicted_points_min', n.predicted_points_min < n.predicted_points_max,
        'below predicted_points_max (' ~ var('predicted_points_max') ~ ')'),
    ('pick_price_limit', n.pick_price_limit >= 100,
        'at least 100: an American price is never nearer 0 than +/-100'),
    ('default_american_odds', 100 <= (n.default_american_odds | abs) <= n.pick_price_limit,
        'a price from -/+100 to -/+pick_price_limit (' ~ var('pick_price_limit') ~ ')'),
    ('wilson_z', n.wilson_z > 0, 'above 0: else every interval is a point, or upside down'),
    ('facts_lookback_days', n.facts_lookback_days >= 1,
        "at least 1: yesterday's box scores arrive today, and its picks must be graded"),
] -%}
{%- for name in ['signal_red_pct_over_below', 'signal_yellow_pct_over_above', 'skew_under_heavy_below',
                 'skew_over_heavy_above', 'health_blocked_below', 'health_degrading_below',
                 'health_watch_below', 'blacklist_hit_rate_below'] -%}
    {%- do rules.append((name, 0 <= n[name] <= 100, 'a percentage from 0 to 100')) -%}
{%- endfor -%}
{%- set broken = rules | rejectattr(1) | list -%}
{%- if broken %}
{%- for name, holds, rule in broken %}
select '{{ name }}' as var_name, '{{ var(name) }}' as var_value, '{{ rule | replace("'", "''") }}' as must_be
{% if not loop.last %}union all{% endif %}
{%- endfor %}
{%- else %}
{#- no rule broken: no row (BigQuery refuses a WHERE without a FROM) #}
select var_name, var_value, must_be
from (select 'none' as var_name, 'none' as var_value, 'none' as must_be) as no_rule_broken
where false
{%- endif %}
