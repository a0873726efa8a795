#!/usr/bin/env bash
# Sets foicrawl up in ./.venv: Debian packages it needs, pinned Python packages, the `foicrawl`
# command. Safe to run again; it only installs what is missing. `--dev` adds the test tools.
set -euo pipefail
cd "$(dirname "$0")"

apt_packages=(python3-venv)
# The browser that renders JavaScript portals (Hertfordshire's iCasework log): Debian's chromium, unless
# Playwright's own Chromium is already installed (`playwright install chromium`), which is then used.
playwright_browsers=${PLAYWRIGHT_BROWSERS_PATH:-$HOME/.cache/ms-playwright}
compgen -G "$playwright_browsers/chromium*" >/dev/null || apt_packages+=(chromium)
# The tests also start a throwaway PostgreSQL server for the FOICRAWL_DATABASE_URL tests.
[ "${1:-}" = "--dev" ] && apt_packages+=(postgresql)
missing=()
for package in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "foicrawl needs Python 3.11 or newer ($python is $("$python" --version))" >&2; exit 1; }
[ -x .venv/bin/python ] || "$python" -m venv .venv

requirements=requirements.txt
[ "${1:-}" = "--dev" ] && requirements=requirements-dev.txt
stamp=".venv/.installed-$(cat "$requirements" requirements.txt requirements-datasette.txt pyproject.toml | sha1sum | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  echo "Installing Python packages from $requirements ..."
  .venv/bin/python -m pip install -q --disable-pip-version-check -r "$requirements"
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
  touch "$stamp"
fi
# pywb and py-wacz pin old dependencies: they get their own environment (replay --serve, WACZ export).
pywb_stamp=".venv-pywb/.installed-$(sha1sum requirements-pywb.txt | cut -c1-12)"
if [ ! -f "$pywb_stamp" ]; then
  echo "Installing the archive tools (pywb, wacz) into .venv-pywb ..."
  [ -x .venv-pywb/bin/python ] || "$python" -m venv .venv-pywb
  .venv-pywb/bin/python -m pip install -q --disable-pip-version-check -r requirements-pywb.txt
  touch "$pywb_stamp"
fi
echo "foicrawl is set up: activate with '. .venv/bin/activate', or run .venv/bin/foicrawl"
