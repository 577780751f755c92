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

{#- The day facts of each day's champion (int_days_published: the champion recorded with a
    locked day, this run's for a provisional one and for a day recorded before the record
    kept it, whose is_champion is null), with its public codename (int_models_described), as
    a select: one row per game date that has the champion's. -#}
{% macro champion_days() -%}
    select
        days.*,
        models.codename
    from {{ ref('int_days_published') }} as days
    left join {{ ref('int_models_described') }} as models
        on days.system_id = models.system_id
    where {{ is_day_champion('days') }}
{%- endmacro %}

{#- True on the row of `days` (int_days_published, or an alias of it) of its day's champion:
    the recorded one of a locked day, this run's for a provisional day and for a day recorded
    before the record kept it (is_champion null). -#}
{% macro is_day_champion(days) -%}
    coalesce({{ days }}.is_champion, {{ days }}.system_id = {{ champion_system_id() }})
{%- endmacro %}
