{#- The champion (contract §2: the primary model whose picks are published): var
    champion_system_id, as a SQL string literal. The only place the var is read; models
    filter on the literal so that BigQuery prunes clusters. -#}
{% macro champion_system_id() -%}
    '{{ var("champion_system_id") }}'
{%- endmacro %}

{#- The champion's public codename, as a scalar subquery (int_models_described: the seed's
    codename of the system flagged is_champion). Null when the champion has no codename,
    which the public contracts refuse (no raw id ever reaches a public file). -#}
{% macro champion_codename() -%}
    (select champion.codename from {{ ref('int_models_described') }} as champion where champion.is_champion)
{%- endmacro %}
