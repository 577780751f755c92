"""The repository stands alone: a clone has no folder beside it to read from (the contract is
docs/contract.md), and the README's layout is true."""

from __future__ import annotations

import re
import subprocess

from pipeline import PROJECT_DIR


def tracked() -> list[str]:
    return subprocess.run(["git", "ls-files"], cwd=PROJECT_DIR, capture_output=True, text=True,
                          check=True).stdout.splitlines()


def test_no_file_points_outside_the_repository():
    offenders = []
    for name in tracked():
        path = PROJECT_DIR / name
        if not path.is_file() or path.suffix in (".png", ".gz"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if re.search(r"\.\./shared|shared/(spec|data)\b", text):
            offenders.append(name)
    assert offenders == []


def test_the_readme_layout_lists_what_is_there():
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Layout\n+```\n(.*?)```", readme, re.DOTALL).group(1)
    listed = [line.split()[0] for line in block.splitlines() if line and not line.startswith(" ")]
    for entry in listed:
        folder = entry.split("<")[0].split("{")[0].rstrip("/")
        assert (PROJECT_DIR / folder).exists(), f"README layout lists {entry}, which is not in the repository"
    top = {name.split("/")[0] for name in tracked() if "/" in name and not name.startswith(".")}
    named = {entry.split("/")[0] for entry in listed}
    assert sorted(top - named) == [], "folders missing from the README layout"
