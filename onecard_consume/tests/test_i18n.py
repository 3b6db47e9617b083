"""Translation completeness: every user-facing string has a Simplified Chinese
translation, and the translation files are up to date with the code.

When this fails, run ./scripts/i18n_update.sh: it re-exports the templates,
merges them into i18n/zh_CN.po and lists what is left untranslated; translate
those entries in the .po (the only source of the translations, docs/i18n.md).
"""

import os
import re

import polib

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import (
    TranslationImporter,
    TranslationModuleReader,
    get_translation,
)

# printf-style (%s, %d, %(name)s, %%), str.format / JS-style ({name}, {{ }})
# and markup tags: all must be kept by the translation.
PLACEHOLDER_RE = re.compile(
    r"%\([A-Za-z0-9_]+\)[-#0 +]*\d*(?:\.\d+)?[sdrfix]"
    r"|%[-#0 +]*\d*(?:\.\d+)?[sdrfix%]"
    r"|\{\{|\}\}|\{[A-Za-z0-9_.]*\}"
    r"|</?[A-Za-z][\w:.-]*"
)
HINT = "run ./scripts/i18n_update.sh and translate the new entries in i18n/zh_CN.po"


def placeholders(text):
    return sorted(PLACEHOLDER_RE.findall(text or ""))


def _short(msgids, limit=25):
    msgids = sorted(msgids)
    lines = [f"  {m!r}" for m in msgids[:limit]]
    if len(msgids) > limit:
        lines.append("  ... and %d more" % (len(msgids) - limit))
    return "\n".join(lines)


def _dummy_args(msgid):
    """Arguments that format msgid with %, or None when it is not formatted that way."""
    named = re.findall(r"%\(([A-Za-z0-9_]+)\)", msgid)
    if named:
        return {name: 1 for name in named}
    positional = [
        p for p in PLACEHOLDER_RE.findall(msgid) if p.startswith("%") and p != "%%"
    ]
    if positional:
        return tuple(1 for _p in positional)
    return None


class I18nCompletenessMixin:
    """Shared by the OneCard addons: set MODULE (and LANG) in the test class, and
    allow_inherited_tests_method = True (Odoo 18 skips inherited tests otherwise)."""

    MODULE = None
    LANG = "zh_CN"

    def _i18n_path(self, filename):
        return os.path.join(get_module_path(self.MODULE), "i18n", filename)

    def _po(self):
        path = self._i18n_path(f"{self.LANG}.po")
        self.assertTrue(os.path.isfile(path), f"{path} is missing: {HINT}")
        return polib.pofile(path)

    def _pot(self):
        path = self._i18n_path(f"{self.MODULE}.pot")
        self.assertTrue(os.path.isfile(path), f"{path} is missing: {HINT}")
        return polib.pofile(path)

    def _exported_msgids(self):
        reader = TranslationModuleReader(self.env.cr, [self.MODULE])
        return {
            src for module, _t, _n, _r, src, _v, _c in reader if module == self.MODULE
        }

    def test_i18n_po_complete(self):
        """Every entry of i18n/<lang>.po is translated, not fuzzy, placeholders kept."""
        po = self._po()
        entries = [e for e in po if not e.obsolete]
        self.assertTrue(entries, f"{self.LANG}.po has no entries")
        untranslated = [e.msgid for e in entries if not e.msgstr.strip()]
        fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
        self.assertFalse(
            untranslated,
            "%s: %d untranslated entries in i18n/%s.po (%s):\n%s"
            % (self.MODULE, len(untranslated), self.LANG, HINT, _short(untranslated)),
        )
        self.assertFalse(
            fuzzy,
            "%s: %d fuzzy entries in i18n/%s.po:\n%s"
            % (self.MODULE, len(fuzzy), self.LANG, _short(fuzzy)),
        )
        mismatched = [
            f"{e.msgid!r} -> {e.msgstr!r}"
            for e in entries
            if placeholders(e.msgid) != placeholders(e.msgstr)
        ]
        self.assertFalse(
            mismatched,
            "{}: placeholders or markup differ between msgid and msgstr:\n{}".format(
                self.MODULE, "\n".join(mismatched)
            ),
        )

    def test_i18n_files_up_to_date(self):
        """The .pot and .po hold every term the installed module exports."""
        exported = self._exported_msgids()
        self.assertTrue(exported, f"{self.MODULE} exports no translatable term")
        pot_ids = {e.msgid for e in self._pot() if not e.obsolete}
        po_ids = {e.msgid for e in self._po() if not e.obsolete}
        missing_pot = exported - pot_ids
        missing_po = exported - po_ids
        self.assertFalse(
            missing_pot,
            "%s: %d exported terms missing from i18n/%s.pot (%s):\n%s"
            % (self.MODULE, len(missing_pot), self.MODULE, HINT, _short(missing_pot)),
        )
        self.assertFalse(
            missing_po,
            "%s: %d exported terms missing from i18n/%s.po (%s):\n%s"
            % (self.MODULE, len(missing_po), self.LANG, HINT, _short(missing_po)),
        )

    def _load_translations(self):
        """Activate LANG and load this module's .po into the (rolled back) database."""
        self.env["res.lang"]._activate_lang(self.LANG)
        importer = TranslationImporter(self.env.cr, verbose=False)
        importer.load_file(self._i18n_path(f"{self.LANG}.po"), self.LANG)
        importer.save(overwrite=True)
        return {e.msgid: e.msgstr for e in self._po() if not e.obsolete}

    def test_i18n_translations_apply(self):
        """Loading the .po makes Chinese labels appear through the ORM."""
        self._load_translations()

        # Field labels and help: compare fields_get in LANG with the .po.
        prefix = f"model:ir.model.fields,field_description:{self.MODULE}.field_"
        checked = 0
        for entry in self._po():
            for occurrence, _line in entry.occurrences:
                if (
                    not occurrence.startswith(prefix)
                    or entry.obsolete
                    or not entry.msgstr
                ):
                    continue
                rec = self.env.ref(
                    occurrence.split(":", 2)[2], raise_if_not_found=False
                )
                if (
                    not rec
                    or rec.model not in self.env
                    or rec.name not in self.env[rec.model]._fields
                ):
                    continue
                if self.env[rec.model]._fields[rec.name].string != entry.msgid:
                    continue  # label overridden by another module
                desc = (
                    self.env[rec.model]
                    .with_context(lang=self.LANG)
                    .fields_get([rec.name], ["string"])
                )
                self.assertEqual(
                    desc[rec.name]["string"],
                    entry.msgstr,
                    f"{rec.model}.{rec.name} is not shown in {self.LANG}",
                )
                checked += 1
        self.assertTrue(checked, f"no field label of {self.MODULE} could be checked")

        # Python strings (_()): what get_translation() returns for the module,
        # and the translation formats with the same arguments as the source.
        for entry in self._po():
            if (
                entry.obsolete
                or not entry.msgstr
                or "odoo-python" not in (entry.comment or "")
            ):
                continue  # untranslated entries are reported by test_i18n_po_complete
            self.assertEqual(
                get_translation(self.MODULE, self.LANG, entry.msgid, ()),
                entry.msgstr,
                f"{self.MODULE}: the Python string {entry.msgid!r} is not "
                f"translated at run time "
                f"(is i18n/{self.MODULE}.pot up to date?)",
            )
            args = _dummy_args(entry.msgid)
            if args is not None:
                try:
                    entry.msgstr % args
                except (TypeError, ValueError, KeyError) as e:
                    self.fail(
                        f"{self.MODULE}: {entry.msgstr!r} cannot be formatted "
                        f"like {entry.msgid!r}: {e}"
                    )


@tagged("post_install", "-at_install", "i18n")
class TestOnecardConsumeI18n(I18nCompletenessMixin, TransactionCase):
    MODULE = "onecard_consume"
    # Odoo runs inherited test methods only with this flag.
    allow_inherited_tests_method = True

    def test_i18n_key_screens(self):
        """A few labels of the operator's main screens, in Chinese."""
        po = self._load_translations()
        Card = self.env["onecard.card"].with_context(lang=self.LANG)
        self.assertEqual(
            Card.fields_get(["state"], ["string"])["state"]["string"], po["State"]
        )
        selection = dict(
            Card.fields_get(["state"], ["selection"])["state"]["selection"]
        )
        self.assertEqual(selection.get("lost"), po["Lost"])
        model = (
            self.env["ir.model"].with_context(lang=self.LANG)._get("onecard.cardholder")
        )
        self.assertEqual(model.name, po[self.env["onecard.cardholder"]._description])
