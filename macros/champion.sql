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
    where coalesce(days.is_champion, days.system_id = {{ champion_system_id() }})
{%- endmacro %}

{#- The public codename of a day's champion, given the alias `days` of a row of champion_days()
    (left joined: null on a date without the champion's day facts): its recorded codename,
    else this run's champion's. -#}
{% macro day_champion_codename(days) -%}
    coalesce({{ days }}.codename, {{ champion_codename() }})
{%- endmacro %}

{#- The champion of the day `game_date` (a date literal), as a scalar: the one flagged
    is_champion in int_days_published (the recorded one of a locked day), else this run's
    (var champion_system_id: a provisional day not built yet, a date past the current slate,
    a day recorded before the record kept it), the rule of champion_days for one day. -#}
{% macro day_champion_system_id(game_date) -%}
    coalesce(
        (
            select max(days.system_id) from {{ ref('int_days_published') }} as days
            where days.game_date = {{ game_date }} and days.is_champion
        ),
        {{ champion_system_id() }}
    )
{%- endmacro %}
