#!/usr/bin/env bash
# Debian packages the tests need: Chromium + ChromeDriver and CJK fonts (HTML tables printed in a real
# browser), a PostgreSQL server (the suite's second run) and poppler-utils (bench/bench_pdf.py times
# pdftotext beside the PDF reader), and a C compiler with Python's headers (make test's third run
# builds hyoka as a wheel, the reader compiled by mypyc: hatch_build.py). Installs only what is missing.
set -euo pipefail
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || missing+=(fonts-noto-cjk fontconfig)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
command -v gcc >/dev/null || missing+=(gcc)
"${PYTHON:-python3}" -c 'import pathlib, sys, sysconfig
sys.exit(not (pathlib.Path(sysconfig.get_paths()["include"]) / "Python.h").is_file())' || missing+=(python3-dev)
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
    echo "missing Debian packages: ${missing[*]} (install them as root: apt-get install ${missing[*]})" >&2
    exit 1
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
