{#- contract §1: confidence_score is 0-1; legacy systems wrote 0-100 (values > 1 are divided by 100). -#}
{% macro normalize_confidence(expr) -%}
    case
        when ({{ expr }}) > {{ var('confidence_percent_above') }}
            then cast({{ expr }} as {{ type_double() }}) / 100
        else cast({{ expr }} as {{ type_double() }})
    end
{%- endmacro %}

{#- contract §3 composite = 10 x edge + 0.5 x confidence (weights are vars), rounded to
    edge_decimals so that mathematically equal scores tie exactly (then player breaks it). -#}
{% macro composite_score(edge, confidence) -%}
    round(
        {{ var('composite_edge_weight') }} * {{ edge }}
        + {{ var('composite_confidence_weight') }} * coalesce({{ confidence }}, 0),
        {{ var('edge_decimals') }}
    )
{%- endmacro %}

{#- contract §3 edge tiers: high (>= 5), medium (>= 3), low. -#}
{% macro edge_tier(edge) -%}
    case
        when {{ edge }} >= {{ var('edge_tier_high_min') }} then 'high'
        when {{ edge }} >= {{ var('edge_tier_medium_min') }} then 'medium'
        else 'low'
    end
{%- endmacro %}

{#- Deterministic order of candidates inside a ranking: composite score, then player. -#}
{% macro composite_order(prefix='') -%}
    {{ prefix }}composite_score desc, {{ prefix }}player_lookup asc, {{ prefix }}game_id asc
{%- endmacro %}
