"""The office channels of the fault run, through JSON-RPC as the web client does.

An operator tops cards up, refunds part of a balance (money out) and moves money
between a holder's official and temporary accounts at the desk
(``onecard.card.operation.wizard``); an
accountant runs a subsidy batch and queries the reports while the terminals
swipe and the faults hit. Every call that returned a result is recorded (the
independent record); a call that failed may or may not have been booked (the
desk would look at the card): the checker allows it either way, never twice.
"""

import http.cookiejar
import json
import random
import time
import urllib.request


class Session:
    def __init__(self, base, db, login):
        self.base, self.db, self.login = base, db, login
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar)
        )
        self.logged = False

    def rpc(self, path, params):
        body = json.dumps(
            {"jsonrpc": "2.0", "method": "call", "params": params}
        ).encode()
        req = urllib.request.Request(
            self.base + path, body, {"Content-Type": "application/json"}
        )
        with self.opener.open(req, timeout=30) as resp:
            answer = json.loads(resp.read())
        if answer.get("error"):
            raise RuntimeError(str(answer["error"])[:300])
        return answer.get("result")

    def call(self, model, method, *args, **kwargs):
        if not self.logged:
            self.rpc(
                "/web/session/authenticate",
                {"db": self.db, "login": self.login, "password": self.login},
            )
            self.logged = True
        try:
            return self.rpc(
                "/web/dataset/call_kw",
                {
                    "model": model,
                    "method": method,
                    "args": list(args),
                    "kwargs": kwargs,
                },
            )
        except (OSError, RuntimeError, ValueError):
            self.logged = False  # a new session next time (the worker may be new)
            raise


class DeskLoad:
    """Runs in a thread of the fault run until ``deadline`` (monotonic)."""

    def __init__(self, base, db, data, seed):
        self.operator = Session(base, db, "chaos_op")
        self.accountant = Session(base, db, "chaos_acc")
        self.data = data
        self.rng = random.Random(seed)
        self.record = {
            "topups_acked": 0,
            "topup_money_acked": 0.0,
            "topups_failed": 0,
            # refunds: money out, counted only when the server acknowledged it;
            # a failed call's amount is kept apart (booked or not: never twice)
            "refunds_acked": 0,
            "refund_money_acked": 0.0,
            "refunds_failed": 0,
            "refund_money_failed": 0.0,
            # transfers: money between two wallets of one holder (total unchanged)
            "transfers_acked": 0,
            "transfers_failed": 0,
            "subsidy_granted": None,  # the batch's granted total, when confirmed
            "subsidy_failed": 0,
            "reports_ok": 0,
            "reports_failed": 0,
        }

    def run(self, deadline, subsidy_at):
        errors = (OSError, RuntimeError, ValueError)
        while time.monotonic() < deadline:
            time.sleep(self.rng.uniform(0.5, 1.5))
            if (
                self.record["subsidy_granted"] is None
                and time.monotonic() >= subsidy_at
            ):
                try:
                    self.subsidy_batch()
                except errors:
                    self.record["subsidy_failed"] += 1
            try:
                self.topup()
                self.record["topups_acked"] += 1
            except errors:
                self.record["topups_failed"] += 1
            self.other_desk_operation(errors)
            if self.rng.random() < 0.3:
                try:
                    self.reports()
                    self.record["reports_ok"] += 1
                except errors:
                    self.record["reports_failed"] += 1

    def topup(self):
        amount = self.rng.choice((10, 20, 50, 100))
        wizard = self.operator.call(
            "onecard.card.operation.wizard",
            "create",
            [
                {
                    "operation": "topup",
                    "card_id": self.rng.choice(self.data["cards"]),
                    "amount": amount,
                    "payment_method_id": self.data["cash_method"],
                }
            ],
        )
        self.operator.call("onecard.card.operation.wizard", "action_confirm", wizard)
        self.record["topup_money_acked"] += amount

    def other_desk_operation(self, errors):
        """Now and then a refund or a transfer, beside the top-ups."""
        draw = self.rng.random()
        if draw < 0.3:
            amount = self.rng.choice((1, 2, 5))
            try:
                self.desk_operation(
                    "refund", amount, payment_method_id=self.data["cash_method"]
                )
                self.record["refunds_acked"] += 1
                self.record["refund_money_acked"] += amount
            except errors:
                self.record["refunds_failed"] += 1
                self.record["refund_money_failed"] += amount
        elif draw < 0.6:
            # mostly official -> temporary; back sometimes (refused when the
            # temporary account has less: a failed call, nothing booked)
            direction = "to_official" if self.rng.random() < 0.3 else "to_temporary"
            try:
                self.desk_operation(
                    "transfer", self.rng.choice((1, 2, 5)), direction=direction
                )
                self.record["transfers_acked"] += 1
            except errors:
                self.record["transfers_failed"] += 1

    def desk_operation(self, operation, amount, **values):
        wizard = self.operator.call(
            "onecard.card.operation.wizard",
            "create",
            [
                {
                    "operation": operation,
                    "card_id": self.rng.choice(self.data["cards"]),
                    "amount": amount,
                    "reason": "chaos",
                    **values,
                }
            ],
        )
        self.operator.call("onecard.card.operation.wizard", "action_confirm", wizard)

    def subsidy_batch(self):
        """One batch of 20.00 for the desk's holders, confirmed (granted at once).
        A failed confirmation is retried on the same batch: confirming twice is
        refused by the batch's state, never granted twice."""
        Batch = "onecard.subsidy.batch"
        batch = self.data.get("batch")
        if not batch:
            batch = self.accountant.call(
                Batch,
                "create",
                [
                    {
                        "name": "Chaos subsidy",
                        "amount": 20.0,
                        "cardholder_ids": [(6, 0, self.data["holders"])],
                    }
                ],
            )[0]
            self.data["batch"] = batch
            self.accountant.call(Batch, "action_load_lines", [batch])
        state = self.accountant.call(Batch, "read", [batch], ["state"])[0]["state"]
        if state == "draft":
            self.accountant.call(Batch, "action_confirm", [batch])
        granted = self.accountant.call(Batch, "read", [batch], ["granted_amount"])
        self.record["subsidy_granted"] = granted[0]["granted_amount"]

    def reports(self):
        self.accountant.call(
            "onecard.report.consumption",
            "read_group",
            [],
            ["amount:sum"],
            ["terminal_id"],
            lazy=False,
        )
        self.accountant.call("onecard.report.topup", "search_count", [])
