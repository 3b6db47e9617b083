#!/usr/bin/env bash
# Refresh the OneCard translation files: ./scripts/i18n_update.sh [addon ...]
#
# 1. creates a scratch database and installs the addons (no demo data);
# 2. exports each addon's template with Odoo 18's CLI
#    (odoo-bin -d DB --i18n-export=/tmp/ADDON.pot --modules=ADDON; no --language
#    means "template", i.e. empty msgstr);
# 3. scripts/i18n_merge.py writes ADDON/i18n/ADDON.pot and merges it into
#    ADDON/i18n/zh_CN.po, keeping existing translations and filling the gaps
#    from the dictionary scripts/i18n_zh_CN.py;
# 4. drops the database and prints the number of untranslated entries per addon
#    (the untranslated msgids are listed and saved to /tmp/ADDON_untranslated.txt).
#
# Default addons: onecard_consume onecard_devices, plus onecard_reports when its
# i18n/zh_CN.po does not exist yet (it has its own translator otherwise).
# Knobs: I18N_LANG (default zh_CN), KEEP_DB=1, I18N_PREFER_DICT=1 (dictionary
# overrides translations already in the .po), ODOO_BIN, ODOO_ADDONS.
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
    ADDONS=(onecard_consume onecard_devices)
    [[ -d onecard_reports && ! -f onecard_reports/i18n/$LANG_CODE.po ]] && ADDONS+=(onecard_reports)
fi
INSTALL="$(IFS=,; echo "${ADDONS[*]}")"

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
    out="$("$PY" scripts/i18n_merge.py "$addon" "$pot" "$LANG_CODE")" || { echo "i18n: merge of $addon failed" >&2; status=1; continue; }
    printf '%s\n' "$out"
    summary+=("$(printf '%s\n' "$out" | head -n 1)")
done

echo
echo "i18n summary ($LANG_CODE):"
for line in "${summary[@]}"; do echo "  $line"; done
exit $status
