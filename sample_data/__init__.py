"""Sample upstream warehouse for the props publishing project.

- ``sample_data.schema``: DuckDB DDL of the seven upstream tables and the atomic loader.
- ``sample_data.generate``: deterministic generator (``python -m sample_data.generate``).
- ``sample_data.fixture``: loads hand-written CSV fixtures (``python -m sample_data.fixture``).
"""
