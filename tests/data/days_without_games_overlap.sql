{%- set fix -%}
    correct the rows in seeds/days_without_games.csv: a day lies in one row only (join
    overlapping runs into one), then run dbt build
{%- endset %}
{{ config(meta={'fix': fix.split() | join(' ')}) }}
{#- Source freshness (macros/freshness.sql) takes each listed day off a feed's age once: a day
    in two rows would be taken off twice, and make an outage look younger. Names both rows. -#}
select
    listed.first_day,
    listed.last_day,
    other.first_day as overlapping_first_day,
    other.last_day as overlapping_last_day
from {{ ref('int_days_without_games') }} as listed
inner join {{ ref('int_days_without_games') }} as other
    on
    listed.first_day != other.first_day
    and listed.last_day >= other.first_day
    and listed.first_day <= other.last_day
