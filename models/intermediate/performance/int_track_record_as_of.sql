-- The as-of date of the published track record (contract §3 Windows: anchored on a date given
-- to the run, never the machine clock): var as_of_date when given, else the latest game
-- date with a graded (win, loss or push) candidate, so a day whose games are not graded
-- yet is never the as-of date. One row; subsets/performance.json, systems/models.json and
-- the admin dashboard all read it, so they always agree.
{%- set graded = ref('int_candidates_graded') %}
{%- if var('as_of_date') %}
select cast('{{ var("as_of_date") }}' as date) as as_of_date
{%- else %}
select max(game_date) as as_of_date
from {{ graded }}
where grade in ('win', 'loss', 'push')
{%- endif %}
