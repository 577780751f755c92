"""Project rules of dbt-bouncer.yml that dbt-bouncer has no built-in check for.

Each is a rule of dbt Labs' dbt-project-evaluator (which cannot be installed here: dbt
packages are not downloadable) or of this project's publishing contract. dbt-bouncer
loads this file because it sits in <custom_checks_dir>/manifest/.
"""

from __future__ import annotations

import re

from dbt_bouncer.check_framework.decorator import check, fail


def _name(unique_id: str) -> str:
    return unique_id.split(".")[-1]


@check
def check_model_max_leaf_fanout(model, ctx, *, max_leaf_children: int = 3):
    """A model feeds at most `max_leaf_children` leaf models (models nothing else reads).

    dbt-project-evaluator's fct_model_fanout: many end-of-DAG models reading one parent
    is transformation logic repeated downstream that belongs in a shared model.
    """
    children = ctx.children_by_unique_id.get(model.unique_id, [])
    leaves = sorted(
        _name(child.unique_id) for child in children if not ctx.children_by_unique_id.get(child.unique_id)
    )
    if len(leaves) > max_leaf_children:
        fail(
            f"`{model.name}` has {len(leaves)} leaf children {leaves}, "
            f"more than the permitted {max_leaf_children}."
        )


def _document_parts(fields: object) -> set[str]:
    """The models a publish declaration's document composes (its `from:` nodes), at any depth."""
    found: set[str] = set()
    for node in (fields or {}).values() if isinstance(fields, dict) else []:
        if isinstance(node, dict):
            if isinstance(node.get("from"), str):
                found.add(node["from"])
            found |= _document_parts(node.get("fields"))
    return found


@check
def check_mart_upstream_models(model, ctx, *, upstream_path_pattern: str):
    """A mart reads models whose path matches `upstream_path_pattern` (staging, intermediate),
    never another mart, except the parts of its own published document.

    dbt-project-evaluator's layer rule (no mart on a mart: a business rule belongs in a
    shared intermediate model). A published document composed from parts (the `from:`
    nodes of its root's `config.meta.publish`, publisher/documents.py) depends on those
    parts on purpose (`-- depends_on: {{ ref(...) }}`), so `dbt build --selector GROUP`
    builds and tests them before the root; the parts themselves still obey the rule.
    """
    meta = (model.config.meta if model.config else None) or {}
    parts = _document_parts((meta.get("publish") or {}).get("document"))
    models_by_id = ctx.models_by_unique_id or {m.unique_id: m for m in ctx.models}
    pattern = re.compile(upstream_path_pattern)
    refused = sorted(
        models_by_id[uid].name
        for uid in (model.depends_on.nodes or [])
        if uid in models_by_id
        and not pattern.match(models_by_id[uid].original_file_path.replace("\\", "/"))
        and models_by_id[uid].name not in parts
    )
    if refused:
        fail(f"`{model.name}` references upstream models that are not permitted: {refused} "
             "(a mart reads staging and intermediate models, and the parts its publish declaration names).")


@check
def check_published_model_has_exposure(model, ctx):
    """Every model published by the publisher (config.meta.publish) is reached by an exposure.

    The exposures are the JSON endpoint families of contract §4: with one on every published
    mart, dbt docs show the lineage from each source table to each JSON path.
    """
    meta = (model.config.meta if model.config else None) or {}
    if not meta.get("publish"):
        return
    exposed = {node for exposure in ctx.exposures for node in (exposure.depends_on.nodes or [])}
    if model.unique_id not in exposed:
        path = meta["publish"].get("path", "?")
        fail(f"`{model.name}` publishes `{path}` but no exposure depends on it (models/marts/_marts__exposures.yml).")


@check
def check_staging_model_in_source_directory(model):
    """A staging model lives in models/staging/<source>/, is named stg_<source>__<entity> and
    reads only tables of <source> (dbt-project-evaluator's fct_source_directories and
    fct_model_naming_conventions for the staging layer)."""
    parts = model.original_file_path.replace("\\", "/").split("/")
    if len(parts) != 4 or parts[:2] != ["models", "staging"]:
        fail(f"`{model.name}` is not in a source folder models/staging/<source>/.")
    folder = parts[2]
    if not model.name.startswith(f"stg_{folder}__"):
        fail(f"`{model.name}` is in models/staging/{folder}/ but is not named stg_{folder}__<entity>.")
    sources = {node.split(".")[2] for node in (model.depends_on.nodes or []) if node.startswith("source.")}
    if sources - {folder}:
        fail(f"`{model.name}` is in models/staging/{folder}/ but reads source(s) {sorted(sources - {folder})}.")


@check
def check_source_fanout(source, ctx, *, allowed_readers: dict[str, list[str]] | None = None):
    """A source table is read by one model only, its staging model (dbt-project-evaluator's
    fct_source_fanout). `allowed_readers` names, per source (`source_name.table_name`),
    the other models that may read it on purpose: the built-in
    check_source_used_by_only_one_model can only be excluded per YAML file, which here
    would switch it off for every source."""
    readers = sorted(child.name for child in ctx.children_by_unique_id.get(source.unique_id, []))
    allowed = set((allowed_readers or {}).get(f"{source.source_name}.{source.name}", []))
    staging = [name for name in readers if name not in allowed]
    if len(staging) > 1:
        fail(f"Source `{source.source_name}.{source.name}` is read by {len(staging)} models {staging}, not one.")
