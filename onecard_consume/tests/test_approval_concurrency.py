"""Two managers approve the same request at the same moment, on real separate
connections: the request's row lock lets one book; the other is told it is
decided. The data is committed by this class and deleted again at teardown (as in
test_concurrency)."""

import threading
import time
import uuid

import psycopg2.errors

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common_committed import delete_committed_holder, delete_committed_operations

RACERS = 4


@tagged("post_install", "-at_install")
class TestApprovalConcurrency(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tag = uuid.uuid4().hex[:8].upper()
        cls.created = {}
        with cls.registry.cursor() as cr:
            env = api.Environment(
                cr, SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True}
            )
            cls.approver_id = env.ref("base.user_admin").id  # a manager (security xml)
            company = env.company
            saved = (company.onecard_approval, company.onecard_approval_threshold)
            company.write({"onecard_approval": True, "onecard_approval_threshold": 0})
            holder = env["onecard.cardholder"].create(
                {"name": "Racer", "code": f"AR{cls.tag}", "company_id": company.id}
            )
            cash = env.ref("onecard_consume.payment_method_cash")
            card = env["onecard.ledger"].issue_card(
                holder, "A0" + cls.tag[:6], topup=50.0, method=cash
            )
            # the requester is the superuser: the admin may approve it
            answer = card.refund(30.0, cash, reason="race")
            company.write(
                {"onecard_approval": saved[0], "onecard_approval_threshold": saved[1]}
            )
            cls.created = {
                "holder": holder.id,
                "card": card.id,
                "wallets": holder.wallet_ids.ids,
                "request": answer["approval_request_id"],
            }
            cr.commit()  # pylint: disable=invalid-commit  (own cursor: the racing threads must see it)
        cls.addClassCleanup(cls._delete_committed_data)

    @classmethod
    def _delete_committed_data(cls):
        ids = cls.created
        if not ids:
            return
        with cls.registry.cursor() as cr:
            request = [ids["request"]]
            for table, column in (
                ("mail_activity", "res_id"),
                ("mail_message", "res_id"),
                ("mail_followers", "res_id"),
            ):
                model_column = "res_model" if table != "mail_message" else "model"
                cr.execute(
                    f"DELETE FROM {table} WHERE {model_column} = %s "  # noqa: S608 - constant names
                    f"AND {column} = ANY(%s)",
                    ["onecard.approval.request", request],
                )
            cr.execute(
                "DELETE FROM onecard_approval_request WHERE id = ANY(%s)", [request]
            )
            delete_committed_operations(cr, ids)
            delete_committed_holder(cr, ids)
            cr.commit()  # pylint: disable=invalid-commit  (own cursor: removes the committed data)

    def _approve_in_thread(self, barrier, results, index):
        """One manager's click: own connection, retried at once on a serialization
        failure (as Odoo's RPC layer does), then committed."""
        give_up = time.monotonic() + 120
        try:
            barrier.wait(timeout=60)
            while time.monotonic() < give_up:
                with self.registry.cursor() as cr:
                    cr.transaction = api.Transaction(self.registry)
                    env = api.Environment(cr, self.approver_id, {})
                    request = env["onecard.approval.request"].browse(
                        self.created["request"]
                    )
                    try:
                        request.action_approve()
                        cr.commit()  # pylint: disable=invalid-commit  (own cursor per thread: the race under test)
                        results[index] = "booked"
                        return
                    except psycopg2.errors.SerializationFailure:
                        cr.rollback()
                        continue
                    except UserError as error:
                        cr.rollback()
                        results[index] = str(error)
                        return
            results[index] = "timeout"
        except Exception as error:  # noqa: BLE001 - reported by the main thread
            results[index] = repr(error)

    def test_parallel_approvals_book_once(self):
        barrier = threading.Barrier(RACERS)
        results = [None] * RACERS
        threads = [
            threading.Thread(target=self._approve_in_thread, args=(barrier, results, i))
            for i in range(RACERS)
        ]
        with mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=150)
        self.assertEqual(results.count("booked"), 1, results)
        for result in results:
            if result != "booked":
                self.assertIn("Approved: this is not possible any more", result)
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM onecard_operation WHERE cardholder_id = %s "
                "AND kind = 'refund'",
                [self.created["holder"]],
            )
            self.assertEqual(cr.fetchone()[0], 1, "one refund booked")
            cr.execute(
                "SELECT w.balance, (SELECT COALESCE(SUM(amount), 0) FROM "
                "onecard_transaction WHERE wallet_id = w.id) FROM onecard_wallet w "
                "WHERE w.cardholder_id = %s AND w.kind = 'cash'",
                [self.created["holder"]],
            )
            balance, rows = cr.fetchone()
            self.assertEqual((float(balance), float(rows)), (20.0, 20.0))
            cr.execute(
                "SELECT state, operation_id IS NOT NULL FROM onecard_approval_request "
                "WHERE id = %s",
                [self.created["request"]],
            )
            self.assertEqual(cr.fetchone(), ("approved", True))
            env = api.Environment(cr, SUPERUSER_ID, {})
            wallets = env["onecard.wallet"].browse(self.created["wallets"])
            self.assertEqual(wallets._verify_chain(), [])
