# -*- coding: utf-8 -*-
"""Simplified Chinese translations of the OneCard addons: msgid -> msgstr.

Applied by scripts/i18n_update.sh (through scripts/i18n_merge.py) to every
addon's i18n/zh_CN.po. Add new msgids here (the script lists the untranslated
ones and saves them to /tmp/<addon>_untranslated.txt) and re-run the script.
Placeholders (%s, %(name)s, {name}) and markup must be kept as they are.
"""

TRANSLATIONS = {
}
