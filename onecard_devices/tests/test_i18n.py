"""Translation completeness of onecard_devices (see onecard_consume/tests/test_i18n.py)."""
from odoo.tests import TransactionCase, tagged

from odoo.addons.onecard_consume.tests.test_i18n import I18nCompletenessMixin


@tagged("post_install", "-at_install", "i18n")
class TestOnecardDevicesI18n(I18nCompletenessMixin, TransactionCase):
    MODULE = "onecard_devices"
    # Odoo runs inherited test methods only with this flag.
    allow_inherited_tests_method = True

    def test_i18n_key_screens(self):
        """Terminal status screen labels, in Chinese."""
        po = self._load_translations()
        Terminal = self.env["onecard.terminal"].with_context(lang=self.LANG)
        fields = Terminal.fields_get(["connection", "offline_limit"], ["string", "selection"])
        self.assertEqual(fields["offline_limit"]["string"], po["Offline Limit"])
        self.assertEqual(dict(fields["connection"]["selection"]).get("serial"), po["RS-485 Serial"])
