"""pip-audit of the installed environment, for `make audit`.

pip-audit asks the PyPI JSON API (or OSV) about every installed distribution. Where that
data cannot be reached it either crashes on the connection or - when a registry mirror answers
404 for every package - says "No known vulnerabilities found" having audited nothing. Both are
reported as one clear "skipped" line and do not fail; a known vulnerability in any package it
could audit fails.

Usage: .venv/bin/python scripts/pip_audit.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

SKIPPED = "pip-audit: no network access to its vulnerability data; skipped"
# What pip-audit's last line of error says when its data cannot be reached.
NETWORK_ERRORS = ("ConnectionError", "NameResolutionError", "Timeout", "Max retries", "SSLError")
TIMEOUT_SECONDS = 600


def run_pip_audit(report: Path) -> subprocess.CompletedProcess[str]:
    pip_audit = Path(sys.executable).with_name("pip-audit")
    command = [
        str(pip_audit),
        "--local",  # this environment's packages, not the system's
        "--skip-editable",  # SoScience itself is not on PyPI
        "--progress-spinner=off",
        "--format=json",
        f"--output={report}",
    ]
    return subprocess.run(  # noqa: S603  # nosec B603  # fixed arguments, no shell
        command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
    )


def summarise(dependencies: list[dict]) -> tuple[list[dict], list[dict], list[dict]]:
    """(audited, vulnerable, not audited): pip-audit gives `vulns` only to what it audited."""
    audited = [dep for dep in dependencies if "vulns" in dep]
    vulnerable = [dep for dep in audited if dep["vulns"]]
    not_audited = [dep for dep in dependencies if "vulns" not in dep]
    return audited, vulnerable, not_audited


def main() -> int:
    with tempfile.TemporaryDirectory() as directory:
        report = Path(directory) / "pip-audit.json"
        try:
            result = run_pip_audit(report)
        except subprocess.TimeoutExpired:
            print(SKIPPED)
            return 0
        if not report.exists():
            # pip-audit died before writing: skip only when its data was out of reach.
            reason = (result.stderr.strip().splitlines() or ["(no message)"])[-1]
            if any(marker in reason for marker in NETWORK_ERRORS):
                print(SKIPPED)
                print(f"  ({reason[:200]})")
                return 0
            print(result.stderr, file=sys.stderr)
            print(f"pip-audit failed (exit {result.returncode})", file=sys.stderr)
            return result.returncode or 1
        dependencies = json.loads(report.read_text())["dependencies"]
    audited, vulnerable, not_audited = summarise(dependencies)
    if not audited:
        print(SKIPPED)
        return 0
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "none yet"
            print(f"pip-audit: {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})")
    print(
        f"pip-audit: {len(audited)} packages audited, {len(vulnerable)} with a known "
        f"vulnerability; {len(not_audited)} not audited (editable or unknown to its data)"
    )
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
