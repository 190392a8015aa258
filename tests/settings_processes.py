"""Settings are evaluated once per process: to try an environment, a test runs a script in
a fresh Python process. `run_in_processes` starts one per environment, all at once, and
waits for them; `settings_of` reads what a script printed as JSON."""

import json
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def run_in_processes(
    script: str, environments: dict[str, dict[str, str]]
) -> dict[str, subprocess.CompletedProcess]:
    started = {
        name: subprocess.Popen(
            [sys.executable, "-c", script],
            cwd=PROJECT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, environment in environments.items()
    }
    results = {}
    for name, process in started.items():
        stdout, stderr = process.communicate(timeout=60)
        results[name] = subprocess.CompletedProcess(
            process.args, process.returncode, stdout, stderr
        )
    return results


def settings_of(run: subprocess.CompletedProcess) -> dict:
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)
