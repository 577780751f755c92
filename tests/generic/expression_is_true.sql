{#- Every row satisfies the boolean SQL expression; failing rows are returned whole.
    Declared under a column, the column is the field a failure names. -#}
{% test expression_is_true(model, expression, column_name=none) %}
select *
from {{ model }}
where not coalesce(({{ expression }}), false)
{% endtest %}
