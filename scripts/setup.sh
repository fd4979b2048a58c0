#!/usr/bin/env bash
# Set up pgt on a fresh Debian machine: the system packages it uses (Tesseract OCR with
# French data, Ghostscript, Poppler, Chromium for the report.html test), a virtual
# environment in .venv, the project and its dev extras. Safe to run again. Set
# PGT_SKIP_APT=1 to leave system packages alone.
set -euo pipefail
cd "$(dirname "$0")/.."

# fonts-dejavu-core: the TrueType font the tests render PDFs with (French accents, – œ « »).
# libreoffice-writer-nogui, libreoffice-calc-nogui: test PDFs made as real plans are (DOCX → PDF), ODS fixtures.
# ocrmypdf: the reference OCR timing scripts/bench_pdf.py compares pgt's OCR with (not used by pgt).
apt_packages="tesseract-ocr tesseract-ocr-fra ghostscript poppler-utils chromium fonts-dejavu-core libreoffice-writer-nogui libreoffice-calc-nogui ocrmypdf"
if [ "${PGT_SKIP_APT:-0}" != 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=""
  for pkg in $apt_packages; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
  done
  if [ -n "$missing" ]; then
    echo "setup: installing system packages:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[dev]'
# pgt's modules compiled to bytecode once, as a wheel install does: with PYTHONDONTWRITEBYTECODE
# set, an editable install would compile them from source at every run (0.06 s of `pgt check raw/`)
.venv/bin/python -m compileall -q -x '/\.venv/|/tests/' . >/dev/null
echo "setup: done (.venv/bin/pgt)"
