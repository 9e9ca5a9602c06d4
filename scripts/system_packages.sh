#!/bin/sh
# The system packages Blue Beret needs beyond Python: the libraries WeasyPrint draws PDFs with.
# Called by the setup rule behind `make run`, `make serve` and `make test`. Installs what is
# missing through apt-get when run as root; otherwise prints the one command to run. Never
# stops the setup: without these only PDF downloads are missing, and they say so (core/pdf.py).
# Same list as core/pdf.py's SYSTEM_PACKAGES (a test checks).
PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 fonts-dejavu-core"

say() { echo "system packages: $*" >&2; }

if ! command -v dpkg-query >/dev/null 2>&1; then
    # Not Debian or Ubuntu: check for the libraries themselves, and name them.
    if command -v ldconfig >/dev/null 2>&1 && ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0.so \
        && ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset.so; then
        exit 0
    fi
    [ "$(uname -s)" = Darwin ] && command -v brew >/dev/null 2>&1 && brew list pango >/dev/null 2>&1 && exit 0
    say "PDF downloads need Pango, HarfBuzz (with hb-subset), Fontconfig and the DejaVu fonts;"
    say "install them with your system's package manager (e.g. 'brew install pango' on macOS)."
    exit 0
fi

missing=""
for package in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)
    case "$status" in
        *" installed") ;;
        *) missing="$missing $package" ;;
    esac
done
[ -z "$missing" ] && exit 0
missing=${missing# }

if [ "$(id -u)" -ne 0 ]; then
    say "PDF downloads need system libraries that are not installed. Run, once:"
    say "    sudo apt-get install $missing"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    say "missing $missing, and apt-get is not here to install them: PDF downloads will not work."
    exit 0
fi
say "installing $missing"
if ! DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1; then
    # A closed network without a package mirror: go on, PDFs will say what is missing.
    say "warning: the package lists could not be updated (no network or mirror?); trying anyway."
fi
if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null; then
    say "installed $missing"
else
    say "warning: could not install $missing (is the package mirror reachable?)."
    say "PDF downloads will not work until: apt-get install $missing"
fi
exit 0
