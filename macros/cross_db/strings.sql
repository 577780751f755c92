{#- Player key: lower case, accents folded, every character outside [a-z0-9] removed.
    'Nikola Jokić' and 'Nikola Jokic' both give 'nikolajokic'. -#}
{% macro fold_player_lookup(expr) -%}
    {{ return(adapter.dispatch('fold_player_lookup', 'nba_props')(expr)) }}
{%- endmacro %}

{% macro default__fold_player_lookup(expr) -%}
    regexp_replace(strip_accents({{ fold_special_letters('lower(' ~ expr ~ ')') }}), '[^a-z0-9]', '', 'g')
{%- endmacro %}

{% macro bigquery__fold_player_lookup(expr) -%}
    {%- if is_bq_emulator() -%}
    regexp_replace(strip_accents({{ fold_special_letters('lower(' ~ expr ~ ')') }}), r'[^a-z0-9]', '')
    {%- else -%}
    regexp_replace(normalize({{ fold_special_letters('lower(' ~ expr ~ ')') }}, NFD), r'[^a-z0-9]', '')
    {%- endif -%}
{%- endmacro %}

{#- Letters that carry no combining accent, so accent stripping leaves them alone:
    folded explicitly (same table as sample_data.generate.player_lookup). -#}
{% macro fold_special_letters(expr) -%}
    {%- set letters = {'ø': 'o', 'ł': 'l', 'đ': 'd', 'ß': 'ss', 'æ': 'ae', 'œ': 'oe', 'ı': 'i', 'þ': 'th'} -%}
    {%- set folded = namespace(sql=expr) -%}
    {%- for letter, replacement in letters.items() -%}
        {%- set folded.sql = "replace(" ~ folded.sql ~ ", '" ~ letter ~ "', '" ~ replacement ~ "')" -%}
    {%- endfor -%}
    {{ folded.sql }}
{%- endmacro %}

{#- The text without leading and trailing whitespace, the same on every engine: the Unicode
    White_Space characters (tab, line feed, carriage return, no-break space, ...), which
    BigQuery's trim() removes and DuckDB's (spaces only) keeps: 'LAL\r' of a CRLF feed is
    'LAL' on both. -#}
{% macro trim_whitespace(expr) -%}
    {{ return(adapter.dispatch('trim_whitespace', 'nba_props')(expr)) }}
{%- endmacro %}

{% macro whitespace_code_points() -%}
    {{ return([9, 10, 11, 12, 13, 32, 133, 160, 5760] + range(8192, 8203) | list + [8232, 8233, 8239, 8287, 12288]) }}
{%- endmacro %}

{% macro default__trim_whitespace(expr) -%}
    trim({{ expr }}, {% for code in whitespace_code_points() %}chr({{ code }}){{ ' || ' if not loop.last }}{% endfor %})
{%- endmacro %}

{% macro bigquery__trim_whitespace(expr) -%}
    trim({{ expr }}, '{% for code in whitespace_code_points() %}\u{{ '%04x' % code }}{% endfor %}')
{%- endmacro %}

{#- An integer hash of the text `expr` (null for null), for comparing sets of ids by their
    bit_xor: DuckDB's hash() (64 bits); on BigQuery the first 60 bits of md5 as INT64
    (farm_fingerprint would do, but the local emulator that proves the BigQuery SQL refuses
    it). The values differ between the engines; compare them only within one. -#}
{% macro fingerprint(expr) -%}
    {{ return(adapter.dispatch('fingerprint', 'nba_props')(expr)) }}
{%- endmacro %}

{% macro default__fingerprint(expr) -%}
    hash({{ expr }})
{%- endmacro %}

{% macro bigquery__fingerprint(expr) -%}
    cast(concat('0x', substr(to_hex(md5({{ expr }})), 1, 15)) as int64)
{%- endmacro %}
