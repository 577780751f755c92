{#- Player key: lower case, accents folded, every character outside [a-z0-9] removed.
    'Nikola Jokić' and 'Nikola Jokic' both give 'nikolajokic'. -#}
{% macro fold_player_lookup(expr) -%}
    {{ return(adapter.dispatch('fold_player_lookup', 'nba_props')(expr)) }}
{%- endmacro %}

{% macro default__fold_player_lookup(expr) -%}
    regexp_replace(lower(strip_accents({{ expr }})), '[^a-z0-9]', '', 'g')
{%- endmacro %}

{% macro bigquery__fold_player_lookup(expr) -%}
    {%- if is_bq_emulator() -%}
    regexp_replace(lower(strip_accents({{ expr }})), r'[^a-z0-9]', '')
    {%- else -%}
    regexp_replace(lower(normalize({{ expr }}, NFD)), r'[^a-z0-9]', '')
    {%- endif -%}
{%- endmacro %}
