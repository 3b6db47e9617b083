from odoo.tests import tagged

from .common import OnecardCase, local_to_utc

COMPARED = (
    "approved",
    "code",
    "amount",
    "subsidy_amount",
    "cash_amount",
    "balances",
    "flagged",
    "replay",
)


@tagged("post_install", "-at_install")
class TestSwipeBatch(OnecardCase):
    """``swipe_many`` (the gateway's group commit) decides exactly like one swipe at a
    time."""

    def tearDown(self):
        self.assertLedgerInvariant()
        super().tearDown()

    def request(self, terminal, card, minute=0, **kw):
        return dict(
            terminal_id=terminal.id,
            uid=card.uid if hasattr(card, "uid") else card,
            business_time=local_to_utc(12, minute),
            **kw,
        )

    def lunch_rush(self):
        """A burst touching the same people several times, every kind of outcome."""
        return [
            self.request(self.t_amount, self.alice_card, amount=30.0, terminal_seq=1),
            self.request(
                self.t_amount, self.alice_card, amount=35.0, terminal_seq=2
            ),  # over the meal limit (60)
            self.request(self.t_key, self.bob_card, key=2, terminal_seq=3),
            self.request(
                self.t_amount, "DEADBEEF", amount=5.0, terminal_seq=4
            ),  # unknown card
            self.request(self.t_repeat, self.bob_card, terminal_seq=5, minute=5),
            self.request(
                self.t_repeat, self.bob_card, terminal_seq=6, minute=5
            ),  # within the 60 s repeat interval
            self.request(
                self.t_amount, self.vera_card, amount=5.0, terminal_seq=7
            ),  # terminal not allowed
            self.request(self.t_fixed, self.vera_card, terminal_seq=8),
            self.request(
                self.t_amount, self.bob_card, amount=80.0, terminal_seq=9
            ),  # 20 % off: 64 of 88.4
            self.request(
                self.t_amount, self.bob_card, amount=40.0, terminal_seq=10
            ),  # 32 > 24.4 left
            self.request(
                self.t_amount,
                self.alice_card,
                amount=10.0,
                terminal_seq=11,
                offline=True,
                minute=1,
            ),
        ]

    def strip(self, answers):
        return [{field: answer[field] for field in COMPARED} for answer in answers]

    def test_batch_equals_one_by_one(self):
        requests = self.lunch_rush()
        self.env.cr.execute("SAVEPOINT one_by_one")
        singles = []
        for request in requests:
            request = dict(request)
            terminal = self.env["onecard.terminal"].browse(request.pop("terminal_id"))
            singles.append(
                self.consumption.swipe(terminal, request.pop("uid"), **request)
            )
        single_balances = {
            h.name: self.balances(h) for h in (self.alice, self.bob, self.vera)
        }
        self.assertLedgerInvariant()
        self.env.cr.execute("ROLLBACK TO SAVEPOINT one_by_one")
        self.env.invalidate_all()

        batch = self.consumption.swipe_many(requests)
        self.assertEqual(self.strip(batch), self.strip(singles))
        self.assertEqual(
            {h.name: self.balances(h) for h in (self.alice, self.bob, self.vera)},
            single_balances,
        )
        self.assertEqual(
            [a["code"] for a in batch],
            [
                "ok",
                "meal_limit",
                "ok",
                "unknown_card",
                "ok",
                "repeat_swipe",
                "terminal_not_allowed",
                "ok",
                "ok",
                "insufficient_balance",
                "ok",
            ],
        )
        # every request is one operation; the wallets moved by exactly the approved
        # amounts
        operations = self.env["onecard.operation"].browse(
            [a["operation_id"] for a in batch]
        )
        self.assertEqual(len(operations), len(requests))
        self.assertEqual(operations.mapped("terminal_seq"), list(range(1, 12)))
        self.assertAlmostEqual(
            sum(operations.filtered(lambda o: o.state == "approved").mapped("amount")),
            30.0 + 10.0 + 1.6 + 8.0 + 64.0 + 10.0,
            places=2,
        )
        self.assertBalances(
            self.alice, subsidy=10.0, cash=100.0
        )  # 30 + 10 from subsidy first
        self.assertBalances(self.bob, cash=24.4)
        self.assertBalances(self.vera, cash=92.0)

    def test_prepared_statements_decide_the_same(self):
        """On a cursor marked for prepared statements (the gateway's), the same batch
        gives the same answers and balances, then a replay of it through the prepared
        lookup charges nothing."""
        requests = self.lunch_rush()
        self.env.cr.execute("SAVEPOINT plain")
        plain = self.consumption.swipe_many(requests)
        plain_balances = {
            h.name: self.balances(h) for h in (self.alice, self.bob, self.vera)
        }
        self.env.cr.execute("ROLLBACK TO SAVEPOINT plain")
        self.env.invalidate_all()

        self.env.cr.onecard_prepared = set()

        def forget():
            del self.env.cr.onecard_prepared
            self.env.cr.execute(
                "DEALLOCATE ALL"
            )  # prepared statements outlive the test's rollback

        self.addCleanup(forget)
        for _round in range(
            7
        ):  # past the five executions after which PostgreSQL may use a generic plan
            self.env.cr.execute("SAVEPOINT prepared")
            prepared = self.consumption.swipe_many(requests)
            self.assertEqual(self.strip(prepared), self.strip(plain))
            self.assertEqual(
                {h.name: self.balances(h) for h in (self.alice, self.bob, self.vera)},
                plain_balances,
            )
            self.assertLedgerInvariant()
            self.env.cr.execute("ROLLBACK TO SAVEPOINT prepared")
            self.env.invalidate_all()
        self.env.cr.execute("SELECT name FROM pg_prepared_statements ORDER BY name")
        self.assertEqual(
            [row[0] for row in self.env.cr.fetchall()],
            ["onecard_swipe_lookup", "onecard_write_book"],
        )
        first = self.consumption.swipe_many(requests)
        again = self.consumption.swipe_many(requests)
        self.assertTrue(all(answer["replay"] for answer in again))
        self.assertEqual(
            [a["operation_id"] for a in again], [a["operation_id"] for a in first]
        )
        self.assertEqual(
            {h.name: self.balances(h) for h in (self.alice, self.bob, self.vera)},
            plain_balances,
        )

    def test_replays_inside_and_across_batches(self):
        first = self.consumption.swipe_many(
            [
                self.request(
                    self.t_amount, self.alice_card, amount=5.0, terminal_seq=50
                ),
                self.request(
                    self.t_amount, self.alice_card, amount=5.0, terminal_seq=50
                ),  # retransmitted at once
                self.request(
                    self.t_amount, self.bob_card, amount=7.0, idempotency_key="bob-1"
                ),
            ]
        )
        self.assertFalse(first[0]["replay"])
        self.assertTrue(first[1]["replay"])
        self.assertEqual(first[1]["operation_id"], first[0]["operation_id"])
        self.assertEqual(
            self.strip(first[1:2])[0], dict(self.strip(first[:1])[0], replay=True)
        )
        self.assertBalances(self.alice, subsidy=45.0, cash=100.0)
        again = self.consumption.swipe_many(
            [
                self.request(
                    self.t_amount, self.bob_card, amount=7.0, idempotency_key="bob-1"
                ),
                self.request(
                    self.t_amount, self.alice_card, amount=5.0, terminal_seq=50
                ),
                self.request(
                    self.t_amount, self.alice_card, amount=5.0, terminal_seq=51
                ),
            ]
        )
        self.assertEqual([a["replay"] for a in again], [True, True, False])
        self.assertEqual(again[0]["operation_id"], first[2]["operation_id"])
        self.assertEqual(again[1]["operation_id"], first[0]["operation_id"])
        self.assertBalances(self.alice, subsidy=40.0, cash=100.0)
        self.assertBalances(self.bob, cash=94.4)  # 20 % off
        # a record number booked once is not booked again, and under another key it is
        # another request (a terminal bug, a counter reset): refused as a sequence
        # conflict, in the batch or across batches
        reused = self.consumption.swipe_many(
            [
                self.request(
                    self.t_amount,
                    self.alice_card,
                    amount=5.0,
                    terminal_seq=51,
                    idempotency_key="other",
                ),
                self.request(
                    self.t_amount,
                    self.bob_card,
                    amount=5.0,
                    terminal_seq=60,
                    idempotency_key="k60",
                ),
                self.request(
                    self.t_amount,
                    self.bob_card,
                    amount=5.0,
                    terminal_seq=60,
                    idempotency_key="k60b",
                ),
                self.request(
                    self.t_amount, self.bob_card, amount=5.0, idempotency_key="k60b"
                ),  # the key is still free
            ]
        )
        self.assertEqual(
            [(a["code"], a["replay"]) for a in reused],
            [
                ("sequence_conflict", False),
                ("ok", False),
                ("sequence_conflict", False),
                ("ok", False),
            ],
        )
        self.assertEqual(
            [bool(a["operation_id"]) for a in reused], [False, True, False, True]
        )
        self.assertBalances(self.alice, subsidy=40.0, cash=100.0)
        self.assertBalances(self.bob, cash=86.4)

    def test_one_statement_set_whatever_the_batch_size(self):
        """The batch costs the same two statements for 2 swipes or 40."""

        def count(n, first_seq):
            requests = [
                self.request(
                    self.t_amount, card, amount=0.5, terminal_seq=first_seq + i
                )
                for i, card in enumerate([self.alice_card, self.bob_card] * (n // 2))
            ]
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            answers = self.consumption.swipe_many(requests)
            self.assertTrue(all(a["approved"] for a in answers))
            return self.env.cr.sql_log_count - before

        count(2, 100)  # warm the settings caches
        small, large = count(2, 300), count(40, 200)
        self.assertEqual(small, large)
        self.assertLessEqual(
            large, 3
        )  # replay lookup with the lock of holders and wallets, one write (+ a flush)

    def test_writer_keeps_text_and_times_exact(self):
        """The writer ships rows as JSON: quotes, backslashes, Chinese and seconds come
        back as they went."""
        reference = "Ref \"A\"\\B\n'食堂' {1,2}"
        answer = self.ledger.topup(
            self.alice_card, 12.34, self.wechat, reference=reference
        )
        operation = self.env["onecard.operation"].browse(answer["operation_id"])
        self.assertEqual(operation.note, reference)
        self.assertEqual(
            operation.result["balances"]["cash"], answer["balances"]["cash"]
        )
        at = local_to_utc(12, 7, second=42)
        request = dict(
            self.request(self.t_amount, self.alice_card, amount=1.05, terminal_seq=77),
            business_time=at,
        )
        swiped = self.consumption.swipe_many([request])[0]
        self.assertTrue(swiped["approved"])
        rows = self.env["onecard.transaction"].search(
            [("operation_id", "=", swiped["operation_id"])]
        )
        self.assertEqual(set(rows.mapped("business_time")), {at})
        self.assertAlmostEqual(sum(rows.mapped("amount")), -1.05, places=2)
        for row in rows:
            self.assertEqual(row.wallet_id.balance, row.balance_after)
