#!/usr/bin/env bash
# Usage: scripts/system-libraries.sh [--dev]
#
# Makes sure the system libraries that PyPI wheels cannot bring are present: WeasyPrint (the
# travel instructions PDF) loads Pango and HarfBuzz at import time, and needs a font with the
# letters of every packet language: DejaVu Sans (fonts-dejavu-core) covers Latin with its
# Polish, Portuguese and French accents, Cyrillic and Georgian (Mkhedruli). The catalogs are
# compiled in pure Python (enlist.core.catalogs), so GNU gettext is not needed. With --dev (the
# test setup, `make setup-dev`) also Debian's Chromium, which the browser suite drives
# (tests/browser; never a browser downloaded by Playwright), with its translations
# (chromium-l10n: the text Chromium draws itself, a file input's "Choose File", in the language
# of the person's browser). On a machine that has them this does nothing; on a Debian/Ubuntu
# machine without them it installs the Debian packages when run as root, and otherwise stops
# with the apt-get line to run.
set -euo pipefail

PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
DEV=
case ${1:-} in
--dev) DEV=1 ;;
'') ;;
*)
    echo "usage: $0 [--dev]" >&2
    exit 2
    ;;
esac
((DEV)) && PACKAGES+=(chromium chromium-l10n)

log() { printf 'system-libraries: %s\n' "$*" >&2; }

have_library() { ldconfig -p 2>/dev/null | grep -q "$1"; }

missing=()
have_library 'libpango-1.0.so.0' || missing+=(libpango-1.0-0)
have_library 'libpangoft2-1.0.so.0' || missing+=(libpangoft2-1.0-0)
have_library 'libharfbuzz-subset.so.0' || missing+=(libharfbuzz-subset0)
# Georgian is the rarest script of the packet languages: a DejaVu Sans that has it has them all.
{ command -v fc-list >/dev/null 2>&1 && fc-list :lang=ka family | grep -q 'DejaVu Sans'; } \
    || missing+=(fonts-dejavu-core)
# The browser suite launches this very path (tests/browser/conftest.py).
if ((DEV)) && [[ ! -x /usr/bin/chromium ]]; then
    missing+=(chromium)
fi
# Ukrainian is the staff's other language (tests/browser/conftest.py: CHROMIUM_TRANSLATIONS).
if ((DEV)) && [[ ! -f /usr/lib/chromium/locales/uk.pak ]]; then
    missing+=(chromium-l10n)
fi

if ((${#missing[@]} == 0)); then
    exit 0
fi
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    log "missing: ${missing[*]}"
    log "install them first, e.g.: sudo apt-get install ${PACKAGES[*]}"
    exit 1
fi
log "installing the Debian packages ${missing[*]} (takes a minute)"
apt-get update -qq </dev/null >&2 || log "warning: apt-get update failed; trying the install anyway"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    </dev/null >&2
