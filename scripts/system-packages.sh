#!/usr/bin/env bash
# Make sure the Debian packages the project needs are installed.
# 检查并安装项目所需的 Debian 系统软件包。
#
# Usage / 用法:  scripts/system-packages.sh run|test|bench
#   run   what `make setup` / `make run` need: WeasyPrint's Pango and HarfBuzz,
#         Chinese fonts, gettext (compilemessages), and python3-venv when the
#         Python in use cannot create a virtual environment.
#   test  everything of `run`, plus poppler-utils (pdftotext/pdftoppm for PDF
#         checks), Debian's Chromium (driven by Playwright in browser tests) and
#         LibreOffice Writer (opens the Word files the tests write, as a reader would).
#   bench what `make bench` needs: everything of `run`, plus wrk (the HTTP load generator
#         that benchmarks/load.py drives gunicorn with).
#
# Behaviour / 行为:
#   - all present: prints nothing and exits 0 (it runs on every make, so it is quick);
#   - missing, running as root: `apt-get update` + `apt-get install` them;
#   - missing, not root: prints the exact command to run and exits 1;
#   - no dpkg-query (not Debian): prints a warning with the list and exits 0.
#
# Environment / 环境变量:
#   PYTHON                 interpreter used to create .venv (default python3).
#   EXTRA_SYSTEM_PACKAGES  extra Debian packages to require, space or comma separated.
#                          A testing hook: e.g. `EXTRA_SYSTEM_PACKAGES=sl` (a package
#                          that is not installed) exercises the install / "please run
#                          sudo apt-get" paths without removing anything real.
set -euo pipefail

mode="${1:-}"
case "$mode" in
run | test | bench) ;;
*)
    echo "usage: $0 run|test|bench" >&2
    exit 2
    ;;
esac

root_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-python3}"

packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-arphic-gkai00mp gettext)
if [[ $mode == test ]]; then
    packages+=(poppler-utils chromium libreoffice-writer-nogui)
fi
if [[ $mode == bench ]]; then
    packages+=(wrk)
fi
# python3-venv is only needed to create .venv, and only when this Python lacks
# ensurepip (Debian splits it out; pyenv or python.org builds include it).
if [[ ! -x $root_dir/.venv/bin/python ]] && ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    packages+=(python3-venv)
fi
if [[ -n ${EXTRA_SYSTEM_PACKAGES:-} ]]; then
    read -r -a extra <<<"${EXTRA_SYSTEM_PACKAGES//,/ }"
    packages+=("${extra[@]}")
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "警告：找不到 dpkg-query（不是 Debian 系统？），无法检查系统软件包。请确认已安装以下软件包或其等价物：" >&2
    echo "Warning: dpkg-query not found (not Debian?); cannot check system packages." >&2
    echo "         Make sure these (or their equivalents) are installed: ${packages[*]}" >&2
    exit 0
fi

# Returns the packages that are not fully installed, one per line.
find_missing() {
    local status
    # One dpkg-query call for all packages; unknown names print nothing (stderr muted).
    status="$(dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null || true)"
    local pkg
    for pkg in "${packages[@]}"; do
        if ! grep -qxF "$pkg install ok installed" <<<"$status"; then
            echo "$pkg"
        fi
    done
}

mapfile -t missing < <(find_missing)
if ((${#missing[@]} == 0)); then
    exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
    {
        echo
        echo "缺少系统软件包：${missing[*]}"
        echo "Missing system packages: ${missing[*]}"
        echo
        echo "请先运行以下命令安装，然后重新执行 make："
        echo "Please install them with the command below, then run make again:"
        echo
        echo "    sudo apt-get install -y ${missing[*]}"
        echo
    } >&2
    exit 1
fi

echo "==> 安装系统软件包 / Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q </dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null

mapfile -t still_missing < <(find_missing)
if ((${#still_missing[@]} > 0)); then
    echo "错误：以下软件包安装后仍不可用 / Error: still not installed after apt-get: ${still_missing[*]}" >&2
    exit 1
fi
echo "==> 系统软件包已就绪 / System packages installed."
