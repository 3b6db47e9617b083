import shutil
import unittest

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import D1, ReportCase


@tagged("post_install", "-at_install")
class TestPortalStatement(HttpCase, ReportCase):
    """/my/onecard's monthly statement is the personal statement of the reports,
    for the holder's own account only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env, login="oc_rep_portal", groups="base.group_portal"
        )
        cls.zhang.partner_id = cls.portal_user.partner_id

    def test_statement_pdf(self):
        if not shutil.which("wkhtmltopdf"):
            raise unittest.SkipTest("wkhtmltopdf not installed")
        self.authenticate("oc_rep_portal", "oc_rep_portal")
        page = self.url_open(f"/my/onecard/{self.zhang.id}")
        self.assertIn(f"/my/onecard/{self.zhang.id}/statement/", page.text)
        # The PDF itself as the portal user, not over the URL: the test server
        # serves one request at a time with the test cursor, and wkhtmltopdf's
        # asset requests would wait behind the request that runs it.
        pdf, name = self.zhang.with_user(self.portal_user)._portal_statement_pdf(
            D1.year, D1.month
        )
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertEqual(name, f"{self.zhang.code}-2025-03.pdf")
        with self.assertRaises(AccessError):
            self.li.with_user(self.portal_user)._portal_statement_pdf(D1.year, D1.month)
        other = self.url_open(
            f"/my/onecard/{self.li.id}/statement/{D1.year}/{D1.month}"
        )
        self.assertEqual(other.status_code, 404)
