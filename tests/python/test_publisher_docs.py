"""docs/publisher.md shows the CLI's own `--help` (the single source of its documentation): this test
fails when the two drift. Regenerate the block: `.venv/bin/python tests/python/test_publisher_docs.py`."""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "publisher.md"
BLOCK = re.compile(r"(<!-- BEGIN publisher --help[^\n]*-->\n```text\n)(.*?)(```\n<!-- END publisher --help -->)", re.S)


def help_text() -> str:
    """`python -m publisher.cli --help`, `... schemas --help` and `... withdraw --help`, wrapped at 100 columns."""
    from publisher.cli import main

    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "100"
    try:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            main(["--help"])
            print()
            main(["schemas", "--help"])
            print()
            main(["withdraw", "--help"])
        return out.getvalue()
    finally:
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old


def test_docs_show_the_cli_help():
    found = BLOCK.search(DOC.read_text(encoding="utf-8"))
    assert found, f"{DOC}: no `<!-- BEGIN publisher --help -->` block"
    assert found.group(2) == help_text(), (
        f"{DOC}: the options block differs from `python -m publisher.cli --help`; "
        "regenerate it: .venv/bin/python tests/python/test_publisher_docs.py")


if __name__ == "__main__":
    text = DOC.read_text(encoding="utf-8")
    DOC.write_text(BLOCK.sub(lambda m: m.group(1) + help_text() + m.group(3), text), encoding="utf-8")
    sys.exit(0)
