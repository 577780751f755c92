{#- contract §3 public mapping of the day's signal; no signal reads as neutral. -#}
{% macro public_signal(signal) -%}
    case {{ signal }}
        when 'GREEN' then 'favorable'
        when 'YELLOW' then 'neutral'
        when 'RED' then 'challenging'
        else 'neutral'
    end
{%- endmacro %}

{#- contract §3 public mapping of the market skew; no signal reads as unknown. -#}
{% macro public_skew(skew) -%}
    case {{ skew }}
        when 'BALANCED' then 'balanced'
        when 'OVER_HEAVY' then 'over_heavy'
        when 'UNDER_HEAVY' then 'under_heavy'
        else 'unknown'
    end
{%- endmacro %}

{#- contract §4 public result of a graded pick: hit, miss, push, void, or null while pending. -#}
{% macro public_result(grade) -%}
    case {{ grade }}
        when 'win' then 'hit'
        when 'loss' then 'miss'
        when 'push' then 'push'
        when 'void' then 'void'
    end
{%- endmacro %}

{#- contract §4 pick_id: an opaque, stable id of one player's game, the same in every public
    file (picks, best bets, live grading) whichever model made the pick: 'pk' + the
    first 16 hex digits of the md5 of game id and player key. It carries no internal id
    in the clear, and its 'pk' prefix keeps it from reading as a commit hash. -#}
{% macro pick_id(game_id, player_lookup) -%}
    concat('pk', substr({{ dbt.hash(dbt.concat([game_id, "'|'", player_lookup])) }}, 1, 16))
{%- endmacro %}

{#- The best-bet outcome of a candidate shown in admin/picks: 'selected' when it is a
    published best bet (the record once the day is locked; published_rank not null), else
    the first filter it fails under this run's rules, or 'not_in_record' when those rules
    would select it but the locked record of its day does not hold it (a rule changed
    after the day locked). -#}
{% macro best_bet_outcome(published_rank, filter_reason) -%}
    case
        when {{ published_rank }} is not null then 'selected'
        else coalesce({{ filter_reason }}, 'not_in_record')
    end
{%- endmacro %}

{#- contract §4 points a public pick shows: the box score's once graded (hit, miss, push);
    null while pending, and when void (the player did not play). -#}
{% macro public_actual(grade, points) -%}
    case when {{ grade }} in ('win', 'loss', 'push') then {{ points }} end
{%- endmacro %}
