#!/usr/bin/env python3
"""Merge a freshly exported Odoo template into an addon's i18n/zh_CN.po.

Usage: i18n_merge.py ADDON_DIR EXPORTED_POT [LANG]

* writes ADDON_DIR/i18n/<addon>.pot (the template, occurrences and comments as
  Odoo exports them, so Odoo's importer maps model terms correctly);
* rewrites ADDON_DIR/i18n/<LANG>.po from the template: every msgid of the
  template, with its translation taken from (in this order)
    1. the existing <LANG>.po, when translated and not fuzzy
       (set I18N_PREFER_DICT=1 to let the dictionary win instead),
    2. the dictionary in scripts/i18n_zh_CN.py (TRANSLATIONS),
    3. nothing: the entry stays untranslated and is listed;
  entries that are no longer in the template are dropped (their translations,
  when not in the dictionary, are saved to /tmp/<addon>_obsolete.po);
* prints one summary line "<addon>: N entries, U untranslated" and writes the
  untranslated msgids to /tmp/<addon>_untranslated.txt (one Python repr per
  line, ready to be pasted into the dictionary).

Exit status is 0 even when entries are untranslated; the CI test
(tests/test_i18n.py in each addon) is what fails on them.
"""
import importlib.util
import os
import re
import sys

import polib

HERE = os.path.dirname(os.path.abspath(__file__))

# printf-style (%s, %d, %(name)s, %%), str.format / JS-style ({name}, {{ }})
# and markup tags (<b>, </b>, <span ...>): all must survive translation.
PLACEHOLDER_RE = re.compile(
    r"%\([A-Za-z0-9_]+\)[-#0 +]*\d*(?:\.\d+)?[sdrfix]"
    r"|%[-#0 +]*\d*(?:\.\d+)?[sdrfix%]"
    r"|\{\{|\}\}|\{[A-Za-z0-9_.]*\}"
    r"|</?[A-Za-z][\w:.-]*"
)


def placeholders(text):
    return sorted(PLACEHOLDER_RE.findall(text or ""))


DATE_RE = re.compile(r'^"(POT-Creation-Date|PO-Revision-Date): .*\\n"$', re.M)


def save_if_changed(po, path):
    """Save po to path unless only the creation / revision dates would change."""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            old = f.read()
        if DATE_RE.sub("", old).rstrip() == DATE_RE.sub("", str(po)).rstrip():
            return
    po.save(path)


def load_dictionary(lang):
    path = os.path.join(HERE, "i18n_%s.py" % lang)
    if not os.path.exists(path):
        return {}
    spec = importlib.util.spec_from_file_location("i18n_dict_%s" % lang, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return dict(mod.TRANSLATIONS)


def main():
    addon_dir, pot_path = sys.argv[1], sys.argv[2]
    lang = sys.argv[3] if len(sys.argv) > 3 else "zh_CN"
    addon = os.path.basename(os.path.normpath(addon_dir))
    i18n = os.path.join(addon_dir, "i18n")
    os.makedirs(i18n, exist_ok=True)
    prefer_dict = os.environ.get("I18N_PREFER_DICT") == "1"

    pot = polib.pofile(pot_path, wrapwidth=78)
    # The template: identical to Odoo's export (header included).
    save_if_changed(pot, os.path.join(i18n, "%s.pot" % addon))

    po_path = os.path.join(i18n, "%s.po" % lang)
    existing = {}
    if os.path.exists(po_path):
        for e in polib.pofile(po_path):
            if not e.obsolete and e.msgstr and "fuzzy" not in e.flags:
                existing[e.msgid] = e.msgstr
    dictionary = load_dictionary(lang)

    new = polib.POFile(wrapwidth=78)
    new.header = pot.header
    new.metadata = dict(pot.metadata)
    new.metadata["Language"] = lang
    new.metadata["Plural-Forms"] = "nplurals=1; plural=0;"

    untranslated, bad, differ = [], [], []
    for e in pot:
        if e.obsolete:
            continue
        ne = polib.POEntry(
            msgid=e.msgid,
            msgstr="",
            occurrences=list(e.occurrences),
            comment=e.comment,
            tcomment=e.tcomment,
            flags=[f for f in e.flags if f != "fuzzy"],
        )
        candidates = [existing.get(e.msgid), dictionary.get(e.msgid)]
        if prefer_dict:
            candidates.reverse()
        ne.msgstr = next((c for c in candidates if c), "")
        if all(candidates) and candidates[0] != candidates[1]:
            differ.append(e.msgid)
        if not ne.msgstr:
            untranslated.append(e.msgid)
        elif placeholders(ne.msgstr) != placeholders(e.msgid):
            bad.append(e.msgid)
        new.append(ne)

    template_ids = {e.msgid for e in pot}
    obsolete = [(k, v) for k, v in existing.items() if k not in template_ids and dictionary.get(k) != v]
    if obsolete:
        old = polib.POFile()
        for k, v in obsolete:
            old.append(polib.POEntry(msgid=k, msgstr=v))
        old.save("/tmp/%s_obsolete.po" % addon)

    save_if_changed(new, po_path)
    with open("/tmp/%s_untranslated.txt" % addon, "w", encoding="utf-8") as f:
        for m in untranslated:
            f.write("    %r: %r,\n" % (m, ""))
    print("%s: %d entries, %d untranslated, %d placeholder mismatches, %d dropped obsolete"
          % (addon, len(new), len(untranslated), len(bad), len(obsolete)))
    for m in untranslated[:50]:
        print("    untranslated: %r" % m)
    if len(untranslated) > 50:
        print("    ... and %d more (see /tmp/%s_untranslated.txt)" % (len(untranslated) - 50, addon))
    for m in bad:
        print("    placeholder mismatch: %r" % m)
    if differ:
        print("    %d translation(s) in the .po differ from the dictionary (%s kept; %s): %s"
              % (len(differ), "dictionary" if prefer_dict else ".po",
                 "unset I18N_PREFER_DICT to keep the .po" if prefer_dict else "I18N_PREFER_DICT=1 applies the dictionary",
                 ", ".join(repr(m) for m in differ[:10])))


if __name__ == "__main__":
    main()
