"""Real parallel connections on one card: the SQL floor and the idempotency keys hold.

TransactionCase does not put the registry in test mode, so registry.cursor()
opens real, separate connections. The data is committed by this class and
deleted again, row by row, at class teardown.
"""

import logging
import threading
import time
import uuid

import psycopg2.errors
from psycopg2.pool import PoolError

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common_committed import delete_committed_holder, delete_committed_operations

_logger = logging.getLogger(__name__)

THREADS = 50


@tagged("post_install", "-at_install")
class TestConcurrency(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tag = uuid.uuid4().hex[:8].upper()
        cls.created = {}
        with cls.registry.cursor() as cr:
            env = api.Environment(
                cr,
                SUPERUSER_ID,
                {
                    "tracking_disable": True,
                    "mail_create_nolog": True,
                    "mail_create_nosubscribe": True,
                },
            )
            company = env.company
            canteen = env["onecard.canteen"].create(
                {
                    "name": f"Concurrency {cls.tag}",
                    "code": f"CC{cls.tag}",
                }
            )
            terminal = env["onecard.terminal"].create(
                {
                    "name": "Concurrency",
                    "code": f"CT{cls.tag}",
                    "canteen_id": canteen.id,
                    "mode": "amount",
                }
            )
            holder = env["onecard.cardholder"].create(
                {
                    "name": "Racer",
                    "code": f"CR{cls.tag}",
                    "company_id": company.id,
                }
            )
            uid = "C0" + cls.tag[:6]
            card = env["onecard.ledger"].issue_card(
                holder,
                uid,
                topup=20.0,
                method=env.ref("onecard_consume.payment_method_cash"),
            )
            cls.created = {
                "canteen": canteen.id,
                "terminal": terminal.id,
                "holder": holder.id,
                "card": card.id,
                "wallets": holder.wallet_ids.ids,
                "company": company.id,
            }
            cls.card_uid = card.uid
            cr.commit()  # pylint: disable=invalid-commit  (own cursor: the racing threads must see it)
        cls.addClassCleanup(cls._delete_committed_data)

    @classmethod
    def _delete_committed_data(cls):
        ids = cls.created
        if not ids:
            return
        with cls.registry.cursor() as cr:
            delete_committed_operations(cr, ids)
            delete_committed_holder(cr, ids)
            cr.execute("DELETE FROM onecard_terminal WHERE id = %s", [ids["terminal"]])
            cr.execute("DELETE FROM onecard_canteen WHERE id = %s", [ids["canteen"]])
            cr.commit()  # pylint: disable=invalid-commit  (own cursor: removes the committed data)

    # ------------------------------------------------------------- helpers
    def _env(self, cr):
        """An environment on a worker's own cursor.

        Set the transaction first: api.Environment would otherwise call
        Registry(dbname), whose class lock the server holds while it runs the
        post-install tests (every worker would wait for the test to end).
        """
        cr.transaction = api.Transaction(self.registry)
        return api.Environment(cr, SUPERUSER_ID, {})

    def _swipe_in_thread(self, barrier, key, results, index):
        """One terminal request: own connection, retry at once on a serialization
        failure, commit."""
        retries, give_up = 0, time.monotonic() + 150
        try:
            barrier.wait(timeout=60)
            while True:
                try:
                    cursor = self.registry.cursor()
                except (psycopg2.OperationalError, PoolError):
                    # a shared server may be out of connections: wait for one (not a
                    # retry of the request)
                    if time.monotonic() > give_up:
                        raise
                    time.sleep(0.05)
                    continue
                with cursor as cr:
                    env = self._env(cr)
                    try:
                        terminal = env["onecard.terminal"].browse(
                            self.created["terminal"]
                        )
                        answer = env["onecard.consumption"].swipe(
                            terminal, self.card_uid, amount=1.0, idempotency_key=key
                        )
                        cr.commit()  # pylint: disable=invalid-commit  (own cursor per thread: the race under test)
                    except (
                        psycopg2.errors.SerializationFailure,
                        psycopg2.errors.UniqueViolation,
                    ):
                        # a concurrent request won the row or the key: ask again, a
                        # replay will answer
                        cr.rollback()
                        retries += 1
                        continue
                    results[index] = (answer, retries)
                    return
        except Exception as error:  # noqa: BLE001 - reported by the main thread
            results[index] = (error, retries)

    def _run(self, keys):
        barrier = threading.Barrier(len(keys))
        results = [None] * len(keys)
        threads = [
            threading.Thread(
                target=self._swipe_in_thread, args=(barrier, key, results, i)
            )
            for i, key in enumerate(keys)
        ]
        # serialization failures are expected and retried: keep them out of the error
        # log
        with mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            deadline = time.monotonic() + 180
            for thread in threads:
                thread.join(timeout=max(deadline - time.monotonic(), 0.1))
        errors = [r for r in results if r is None or isinstance(r[0], Exception)]
        self.assertFalse(errors, errors[:3])
        return [answer for answer, _retries in results], sum(
            retries for _a, retries in results
        )

    def _committed(self, query, params):
        with self.registry.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall()

    def _cash(self):
        return self._committed(
            "SELECT w.balance, (SELECT COALESCE(SUM(amount), 0) FROM "
            "onecard_transaction "
            "WHERE wallet_id = w.id) FROM onecard_wallet w WHERE w.id = ANY(%s) "
            "AND w.kind = 'cash'",
            [self.created["wallets"]],
        )[0]

    def _check_chain(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertEqual(
                env["onecard.wallet"].browse(self.created["wallets"])._verify_chain(),
                [],
            )
            cr.execute(
                """SELECT count(*) FROM onecard_transaction
                           WHERE wallet_id = ANY(%s) AND balance_after < 0""",
                [self.created["wallets"]],
            )
            self.assertEqual(cr.fetchone()[0], 0, "the balance was never negative")

    # --------------------------------------------------------------- tests
    def test_01_fifty_parallel_swipes_on_twenty(self):
        """50 requests of 1.00 race for 20.00: exactly 20 pass, never below zero."""
        self.assertEqual(float(self._cash()[0]), 20.0)
        answers, retries = self._run(
            ["race-%s-%d" % (self.tag, i) for i in range(THREADS)]
        )
        approved = [a for a in answers if a["approved"]]
        declined = [a for a in answers if not a["approved"]]
        _logger.info(
            "%d parallel swipes: %d approved, %d declined, %d serialization retries",
            THREADS,
            len(approved),
            len(declined),
            retries,
        )
        self.assertEqual(len(approved), 20)
        self.assertEqual(len(declined), 30)
        self.assertEqual({a["code"] for a in declined}, {"insufficient_balance"})
        self.assertFalse([a for a in answers if a["replay"]])
        self.assertEqual(len({a["operation_id"] for a in answers}), THREADS)
        balance, total = self._cash()
        self.assertEqual(float(balance), 0.0)
        self.assertEqual(float(total), 0.0, "stored balance == sum of the ledger rows")
        rows = self._committed(
            "SELECT count(*) FROM onecard_transaction t JOIN onecard_operation o "
            "ON o.id = t.operation_id WHERE o.terminal_id = %s",
            [self.created["terminal"]],
        )
        self.assertEqual(rows[0][0], 20)
        self._check_chain()

    def test_02_twenty_parallel_replays_charge_once(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            card = env["onecard.card"].browse(self.created["card"])
            env["onecard.ledger"].topup(
                card, 5.0, env.ref("onecard_consume.payment_method_bank")
            )
            cr.commit()  # pylint: disable=invalid-commit  (own cursor: the replays must see it)
        before = float(self._cash()[0])
        key = f"replay-{self.tag}"
        answers, _retries = self._run([key] * 20)
        self.assertEqual(
            {a["operation_id"] for a in answers},
            {answers[0]["operation_id"]},
            "one operation",
        )
        self.assertTrue(all(a["approved"] for a in answers))
        self.assertEqual(
            sum(1 for a in answers if not a["replay"]), 1, "exactly one first answer"
        )
        balance, total = self._cash()
        self.assertAlmostEqual(float(balance), before - 1.0, places=2)
        self.assertEqual(float(balance), float(total))
        ops = self._committed(
            "SELECT count(*) FROM onecard_operation WHERE idempotency_key = %s", [key]
        )
        self.assertEqual(ops[0][0], 1)
        self._check_chain()
