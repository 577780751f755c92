{%- set fix -%}
    var champion_system_id names no system of the model registry or the predictions (a
    typo?): correct it (dbt_project.yml, or --vars), then run dbt build; the record locks no
    day until it does
{%- endset %}
{{ config(meta={'fix': fix.split() | join(' ')}) }}
{#- contract §2 Model codenames: the champion is var champion_system_id, one of the systems
    int_models_described lists (the registry's and the predictions'). A var that names none
    (a typo in a champion change) gave every day the champion's codename null, which the public
    contracts refuse, but only at the marts: the record (int_days_locked, through
    int_market_signals_daily) had by then locked each day whose games had tipped off with the
    unknown system as its champion, no candidate and no signal, for good. Failing here, on a
    model upstream of the record, dbt build skips all that follows. -#}
select '{{ var("champion_system_id") }}' as champion_system_id
where not exists (
    select 1 from {{ ref('int_models_described') }}
    where is_champion
)
