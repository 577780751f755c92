"""A thin, generic JSON publisher for dbt marts.

Every published mart declares under ``config.meta.publish`` (in its model YAML)
the path, cache-control, trigger group and document shape of its files. The
publisher reads dbt's ``target/manifest.json``, reads the mart rows from the
warehouse, folds them into documents, checks them (clean-API rule) and writes
them under ``<dest>/v1/``. It knows no endpoint and no column by name.

Modules: catalog (manifest -> endpoints), warehouse (DuckDB / BigQuery rows),
documents (rows -> documents), serialize (deterministic bytes, content hash),
checks (clean-API rule), destinations (local folder), cli (command line).
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
