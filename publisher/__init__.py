"""A small publisher: the dbt marts that declare ``config.meta.publish``, as JSON files (docs/publisher.md).

``publisher.run.run`` is the whole flow, stage by stage; ``python -m publisher.cli`` is its command line.
"""
__version__ = "0.1.0"
