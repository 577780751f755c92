{#- True on the local BigQuery emulator (target bq_emulator, tests only; see
    docs/bigquery.md). The emulator workarounds test this, so production BigQuery SQL
    never changes to suit the emulator:
      fold_player_lookup    the emulator has no NORMALIZE: DuckDB's strip_accents (the
                            function the DuckDB target uses, reached through the
                            emulator's pass-through of functions it does not know);
      persist_docs columns  no tables.patch of column descriptions (dbt_project.yml). -#}
{% macro is_bq_emulator() -%}
    {{ return(target.type == 'bigquery' and target.name == 'bq_emulator') }}
{%- endmacro %}
