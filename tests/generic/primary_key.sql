{#- The columns identify a row: no combination repeats, and none of them is null
    except those listed in nullable_columns (a null there counts as a value).
    Failing rows name the key and how often it occurs. -#}
{% test primary_key(model, column_names, nullable_columns=[]) %}
select
    {{ column_names | join(', ') }},
    count(*) as n_rows
from {{ model }}
group by {{ column_names | join(', ') }}
having count(*) > 1
    {%- for column in column_names if column not in nullable_columns %}
    or {{ column }} is null
    {%- endfor %}
{% endtest %}
