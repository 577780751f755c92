{#- SPEC §3 public mapping of the day's signal; no signal reads as neutral. -#}
{% macro public_signal(signal) -%}
    case {{ signal }}
        when 'GREEN' then 'favorable'
        when 'YELLOW' then 'neutral'
        when 'RED' then 'challenging'
        else 'neutral'
    end
{%- endmacro %}

{#- SPEC §3 public mapping of the market skew; no signal reads as unknown. -#}
{% macro public_skew(skew) -%}
    case {{ skew }}
        when 'BALANCED' then 'balanced'
        when 'OVER_HEAVY' then 'over_heavy'
        when 'UNDER_HEAVY' then 'under_heavy'
        else 'unknown'
    end
{%- endmacro %}

{#- SPEC §4 public result of a graded pick: hit, miss, push, void, or null while pending. -#}
{% macro public_result(grade) -%}
    case {{ grade }}
        when 'win' then 'hit'
        when 'loss' then 'miss'
        when 'push' then 'push'
        when 'void' then 'void'
    end
{%- endmacro %}
