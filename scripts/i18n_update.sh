#!/usr/bin/env bash
# Refresh the OneCard translation files: ./scripts/i18n_update.sh [addon ...]
#
# The .po files are the only source of the translations (docs/i18n.md); this
# script only brings them in step with the code:
# 1. creates a scratch database and installs the addons (no demo data);
# 2. exports each addon's template with Odoo 18's CLI
#    (odoo-bin -d DB --i18n-export=/tmp/ADDON.pot --modules=ADDON; no --language
#    means "template", i.e. empty msgstr) and writes ADDON/i18n/ADDON.pot when
#    more than its dates changed;
# 3. merges the template into ADDON/i18n/zh_CN.po with gettext's msgmerge (no
#    fuzzy matching: a guessed translation is worse than none) and drops the
#    entries no longer in the code (msgattrib --no-obsolete);
# 4. drops the database and prints, per addon, msgfmt's statistics and the
#    msgids left to translate: translate them in the .po (Poedit, Weblate, an editor).
#
# Default addons: all three. Knobs: I18N_LANG (default zh_CN), KEEP_DB=1, ODOO_BIN,
# ODOO_ADDONS. Needs gettext (msgmerge, msgattrib, msgfmt).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
PY="${PYTHON:-python3}"
LANG_CODE="${I18N_LANG:-zh_CN}"
ODOO_BIN="${ODOO_BIN:-/opt/odoo18/odoo-bin}"
if [[ ! -f "$ODOO_BIN" ]]; then
    ODOO_BIN="$(dirname "$("$PY" -c 'import os, odoo; print(os.path.dirname(odoo.__file__))')")/odoo-bin"
fi
ODOO_ADDONS="${ODOO_ADDONS:-$(dirname "$ODOO_BIN")/addons}"
ADDONS_PATH="$ODOO_ADDONS,$REPO"

if [[ $# -gt 0 ]]; then
    ADDONS=("$@")
else
    ADDONS=(onecard_consume onecard_devices onecard_reports)
fi
INSTALL="$(IFS=,; echo "${ADDONS[*]}")"
command -v msgmerge >/dev/null || { echo "i18n: gettext is missing (apt-get install gettext)" >&2; exit 1; }

DB="onecard_i18n_$$_$(date +%s)"
LOG="/tmp/${DB}.log"
cleanup() {
    if [[ "${KEEP_DB:-0}" != 1 ]]; then
        dropdb --if-exists "$DB" >/dev/null 2>&1 || true
        rm -rf "$HOME/.local/share/Odoo/filestore/$DB"
    else
        echo "kept database $DB"
    fi
}
trap cleanup EXIT

ODOO=("$PY" "$ODOO_BIN" -d "$DB" --addons-path="$ADDONS_PATH" --log-level=warn
      --logfile="$LOG" --no-http)

echo "i18n: installing $INSTALL into scratch database $DB (log: $LOG)"
createdb "$DB"
if ! "${ODOO[@]}" -i "$INSTALL" --stop-after-init --without-demo=all; then
    tail -n 40 "$LOG" >&2
    echo "i18n: install failed" >&2
    exit 1
fi
if grep -q " ERROR \| CRITICAL " "$LOG"; then
    echo "i18n: install logged errors:" >&2
    grep -A5 " ERROR \| CRITICAL " "$LOG" | head -n 40 >&2
fi

status=0
summary=()
for addon in "${ADDONS[@]}"; do
    pot="/tmp/${addon}.pot"
    rm -f "$pot"
    "${ODOO[@]}" --i18n-export="$pot" --modules="$addon"
    [[ -s "$pot" ]] || { echo "i18n: export of $addon failed (see $LOG)" >&2; status=1; continue; }
    template="$addon/i18n/$addon.pot" po="$addon/i18n/$LANG_CODE.po"
    mkdir -p "$addon/i18n"
    # Only the dates changed: keep the committed template as it is.
    dates='^"(POT-Creation|PO-Revision)-Date'
    if [[ ! -f "$template" ]] || ! diff -q <(grep -Ev "$dates" "$template") <(grep -Ev "$dates" "$pot") >/dev/null; then
        cp "$pot" "$template"
    fi
    [[ -f "$po" ]] || msginit --no-translator --locale="$LANG_CODE" -i "$template" -o "$po"
    msgmerge --quiet --no-fuzzy-matching --update --backup=none "$po" "$template"
    msgattrib --no-obsolete -o "$po" "$po"
    stats="$(msgfmt --statistics -o /dev/null "$po" 2>&1)"
    summary+=("$addon: $stats")
    echo "$addon: $stats"
    "$PY" -c 'import sys, polib
for e in polib.pofile(sys.argv[1]).untranslated_entries(): print("    to translate: %r" % e.msgid)' "$po"
done

echo
echo "i18n summary ($LANG_CODE):"
for line in "${summary[@]}"; do echo "  $line"; done
exit $status
