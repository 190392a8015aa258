"""Run a command with the environment of a systemd EnvironmentFile, and nothing else of
the caller's but PATH, HOME and LANG: what the service will see, e.g.

    python scripts/with-env-file.py deploy/branchsite.env .venv/bin/python manage.py deploy_check

Lines are NAME=VALUE; blank lines and lines starting with # or ; are skipped; a value in
matching single or double quotes loses them (the subset of systemd's syntax the documented
file uses; no line continuations or escapes).
"""

import os
import sys


def read_environment_file(path: str) -> dict[str, str]:
    values = {}
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            line = line.strip()
            if not line or line.startswith(("#", ";")):
                continue
            name, separator, value = line.partition("=")
            if not separator or not name.strip():
                sys.exit(f"{path}:{number}: not NAME=VALUE: {line}")
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            values[name.strip()] = value
    return values


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit("usage: with-env-file.py ENV_FILE COMMAND [ARGUMENT…]")
    path, command = sys.argv[1], sys.argv[2:]
    if not os.path.isfile(path):
        sys.exit(f"{path} does not exist. / 找不到环境文件 {path}。")
    kept = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    os.execvpe(command[0], command, {**kept, **read_environment_file(path)})


if __name__ == "__main__":
    main()
