"""Run dbt-bouncer (the project rules of dbt-bouncer.yml) and print each broken rule as
`file: rule: message`, one per line, like a compiler. dbt-bouncer's own table names
only the model and cuts long names; its JSON report has the file.

Needs the manifest of `dbt parse --target-path target/lint` (make lint runs both).
Usage: python tests/bouncer/run.py [--project-dir DIR]; exit 1 when a rule is broken.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

BOUNCER = Path(sys.executable).parent / "dbt-bouncer"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project-dir", type=Path, default=Path.cwd())
    args = parser.parse_args(argv)
    project = args.project_dir.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "bouncer.json"
        done = subprocess.run(
            [str(BOUNCER), "run", "--config-file", str(project / "dbt-bouncer.yml"),
             "--output-file", str(report), "--output-format", "json", "--output-only-failures"],
            cwd=project, capture_output=True, text=True,
        )
        failures = json.loads(report.read_text()) if report.exists() else None
    if failures is None:  # dbt-bouncer itself failed (bad config, no manifest)
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        print("dbt-bouncer: did not run (see above)", file=sys.stderr)
        return 2
    for failure in failures:
        rule = failure["check_run_id"].split(":")[0]
        print(f"{failure.get('file_path') or failure.get('unique_id')}: {rule}: {failure['failure_message']}")
    if failures or done.returncode != 0:
        print(f"dbt-bouncer: {len(failures)} project rule(s) broken (rules and exceptions: dbt-bouncer.yml)")
        return 1
    print("dbt-bouncer: every project rule holds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
