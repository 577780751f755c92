-- The as-of date of the published track record (contract §3 Windows: anchored on a date given
-- to the run, never the machine clock): var as_of_date when given, else the latest game
-- date graded whole: a graded (win, loss or push) candidate and none pending, so a day whose
-- games are not all graded yet (an afternoon game's box scores in, the night game's not)
-- is never the as-of date. One row; subsets/performance.json, systems/models.json and the
-- admin dashboard all read it, so they always agree.
{%- set graded = ref('int_candidates_graded') %}
{%- if var('as_of_date') %}
select cast('{{ var("as_of_date") }}' as date) as as_of_date
{%- else %}
select max(game_date) as as_of_date
from (
    select game_date
    from {{ graded }}
    group by game_date
    having
        sum(case when grade in ('win', 'loss', 'push') then 1 else 0 end) > 0
        and sum(case when grade = 'pending' then 1 else 0 end) = 0
) as graded_whole
{%- endif %}
