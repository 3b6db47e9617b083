import io

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tools.pdf import PdfFileReader

from .common import OnecardCase

MM = 72 / 25.4  # PDF points per millimetre


class ReceiptCase(OnecardCase):
    """The receipt of a top-up, a refund or a card return: the operation, its
    amounts, the balances after it, the operator, the time and the company, on
    80 mm paper."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.report = cls.env.ref("onecard_consume.onecard_operation_receipt_report")

    def operation(self, answer):
        return self.env["onecard.operation"].browse(answer["operation_id"])

    def html(self, operation):
        html, kind = self.report.with_user(self.operator)._render_qweb_html(
            self.report, operation.ids
        )
        self.assertEqual(kind, "html")
        return html.decode()


@tagged("post_install", "-at_install")
class TestReceipt(ReceiptCase):
    def test_topup_receipt(self):
        card = self.alice_card.with_user(self.operator)
        topup = self.operation(card.topup(50.0, self.cash, reference="R-778"))
        html = self.html(topup)
        for expected in (
            self.company.name,
            "Top-up",
            "Alice",
            "T001",
            self.alice_card.number,
            self.cash.name,
            "R-778",
            "Received",
            "50.00",
            "150.00",  # cash balance after
            self.operator.name,
            "Receipt No.",
        ):
            self.assertIn(expected, html)
        action = topup.with_user(self.operator).action_print_receipt()
        self.assertEqual(
            (action["type"], action["report_type"], action["report_name"]),
            (
                "ir.actions.report",
                "qweb-pdf",
                "onecard_consume.onecard_operation_receipt",
            ),
        )

    def test_refund_and_return_receipts(self):
        card = self.bob_card.with_user(self.operator)
        refund = self.operation(card.refund(30.0, self.cash))
        html = self.html(refund)
        self.assertIn("Paid out", html)
        self.assertIn("30.00", html)
        self.assertIn("70.00", html)  # what is left
        back = self.operation(card.return_card(self.cash))
        html = self.html(back)
        self.assertIn("Card Return", html)
        self.assertIn("Paid out", html)
        self.assertIn("70.00", html)
        self.assertBalances(self.bob, cash=0.0)
        self.assertLedgerInvariant()

    def test_no_receipt_for_other_operations(self):
        sale = self.operation(self.swipe(self.t_fixed, self.alice_card))
        self.assertEqual(sale.kind, "consume")
        with self.assertRaisesRegex(UserError, "Receipts are printed"):
            sale.with_user(self.operator).action_print_receipt()
        with self.assertRaisesRegex(UserError, "Receipts are printed"):
            sale.browse().action_print_receipt()


@tagged("post_install", "-at_install")
class TestReceiptPdf(HttpCase, ReceiptCase):
    """wkhtmltopdf fetches the report's assets over HTTP. Under a TransactionCase the
    server answers with a cursor of its own, which waits for the test transaction's
    locks while the test waits for wkhtmltopdf; an HttpCase serves them with the test
    cursor (as TestStatementPdf does)."""

    def test_pdf_on_80mm_paper(self):
        topup = self.operation(self.alice_card.topup(20.0, self.cash))
        pdf, kind = self.report.with_context(
            force_report_rendering=True
        )._render_qweb_pdf(self.report, topup.ids)
        self.assertEqual(kind, "pdf")
        page = PdfFileReader(io.BytesIO(pdf)).pages[0]
        self.assertAlmostEqual(float(page.mediabox.width) / MM, 80, delta=1)
        text = page.extract_text()
        self.assertIn("Alice", text)
        self.assertIn("120.00", text)
