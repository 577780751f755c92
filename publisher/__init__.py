"""A thin, generic JSON publisher for dbt marts.

Every published mart declares under ``config.meta.publish`` (in its model YAML)
the path, cache-control, trigger group and document shape of its files. The
publisher reads dbt's ``target/manifest.json``, reads the mart rows from the
warehouse, folds them into documents, checks them (run-results gate, JSON
Schema, clean-API rule; fail closed) and uploads the changed ones under
``<dest>/v1/`` (a folder or gs://bucket/prefix), then ``v1/manifest.json``.
It knows no endpoint and no column by name.

Modules: catalog (manifest -> endpoints and their parts), warehouse (DuckDB / BigQuery
rows), documents (root and part rows -> documents), serialize (deterministic bytes,
content hash), checks (clean-API rule), schemas (JSON Schema from the contracts), gate
(run_results.json), destinations (local folder, interface), gcs (Cloud Storage,
open_destination), retry (backoff), build (selection, gate, schemas, fold, checks,
fingerprints), publish (plan, parallel upload, latest.json, manifest), report (progress,
summary), cli (command line).
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
