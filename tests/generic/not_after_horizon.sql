{#- Rows dated after the horizon of the feeds (macro horizon_date): quarantined by staging.
    Declared with severity warn on the sources: each run names them (report_failed_tests:
    QUARANTINED ...) and publishes without them. -#}
{% test not_after_horizon(model, column_name, days_ahead=none) %}
select *
from {{ model }}
where {{ column_name }} > {{ horizon_date(days_ahead) }}
{% endtest %}
