"""Translation completeness of onecard_devices (see
onecard_consume/tests/test_i18n.py)."""

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
        fields = Terminal.fields_get(
            ["connection", "offline_limit"], ["string", "selection"]
        )
        self.assertEqual(fields["offline_limit"]["string"], po["Offline Limit"])
        self.assertEqual(
            dict(fields["connection"]["selection"]).get("serial"), po["RS-485 Serial"]
        )

    def test_gateway_http_refusals_in_the_requested_language(self):
        """The gateway's HTTP front refuses in the request's Accept-Language, among
        installed languages."""
        from types import SimpleNamespace

        from ..gateway.http import REFUSALS, HttpFront

        po = self._load_translations()
        front = HttpFront(SimpleNamespace(languages=["en_US", self.LANG]))
        for name, (status, code, message) in REFUSALS.items():
            got = front.refuse(name, {"accept-language": "zh-CN,zh;q=0.9,en;q=0.5"})
            self.assertEqual(
                got, (status, {"error": {"code": code, "message": po[message._source]}})
            )
            english = front.refuse(
                name, {"accept-language": "fr-FR"}
            )  # not installed: the source text
            self.assertEqual(english[1]["error"]["message"], message._source)
        self.assertEqual(
            front.refuse("not_found", {})[1]["error"]["message"], "No such endpoint."
        )
