"""The CLI's one error boundary: usage errors and CrossroadsErrors exit 2 without a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from crossroads.cli import main; main()", *args],
        capture_output=True, text=True, timeout=120,
    )


def test_bad_option_value_is_a_usage_error() -> None:
    done = _run("route", "9198", "--mode", "fast")
    assert done.returncode == 2
    assert "Invalid value for '--mode'" in done.stderr
    assert "Traceback" not in done.stderr


def test_unknown_command_is_a_usage_error() -> None:
    done = _run("no-such-command")
    assert done.returncode == 2
    assert "No such command 'no-such-command'" in done.stderr
    assert "Traceback" not in done.stderr


def test_crossroads_error_is_one_line(tmp_path: Path) -> None:
    done = _run("profile", "QQ", "--data-dir", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.startswith("error:")
    assert "Traceback" not in done.stderr


def test_malformed_date_is_one_line_for_every_command(tmp_path: Path) -> None:
    for command in (["simulate", "kz-china-route"], ["route", "9198"], ["dependency", "KZ"]):
        done = _run(*command, "--date", "2025-13-40", "--data-dir", str(tmp_path))
        assert done.returncode == 2, command
        assert "--date '2025-13-40' is not a date" in done.stderr
        assert "Traceback" not in done.stderr
