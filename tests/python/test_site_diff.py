"""bench/site_diff.py's verdict (issue #16's "every published byte stays the same"), on hand-made sites: two sites
that differ only in their manifests' write times are identical; any other byte, a file on one side only, or a file
of the private destination is a difference, named by its path."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline import PROJECT_DIR, script_module

site_diff = script_module(PROJECT_DIR / "bench" / "site_diff.py")


def publish(side: Path, files: dict[str, str], admin: dict[str, str], written: str) -> Path:
    """A public site (site/v1) and a private one (site-admin/v1) holding ``files`` and ``admin``, each with a
    manifest whose objects carry their hash and a write time (``written``)."""
    for folder, contents in (("site", files), ("site-admin", admin)):
        root = side / folder / "v1"
        for path, text in contents.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(text)
        objects = {path: {"hash": f"h-{text}", "generation": written} for path, text in contents.items()}
        (root / "manifest.json").write_text(json.dumps({"objects": objects}))
    return side / "site" / "v1"


def test_sites_differing_only_in_write_times_are_identical_and_any_other_byte_is_named(tmp_path):
    public, admin = {"picks/2025-01-14.json": "a", "latest.json": "l"}, {"admin/picks/2025-01-14.json": "p"}
    base = site_diff.files_of(publish(tmp_path / "base", public, admin, "1"))
    assert sorted(base) == ["admin/picks/2025-01-14.json", "latest.json", "manifest.json",
                            "manifest.json (private destination)", "picks/2025-01-14.json"]
    assert site_diff.compare(base, site_diff.files_of(publish(tmp_path / "same", public, admin, "2"))) == []
    changed = site_diff.files_of(publish(tmp_path / "head", {"picks/2025-01-14.json": "b", "extra.json": "x"},
                                         {"admin/picks/2025-01-14.json": "q"}, "2"))
    assert site_diff.compare(base, changed) == [
        "only in base: latest.json", "only in head: extra.json", "differs: admin/picks/2025-01-14.json",
        "differs: manifest.json", "differs: manifest.json (private destination)", "differs: picks/2025-01-14.json"]
