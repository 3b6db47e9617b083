import json
import time
import uuid
from datetime import datetime

import pytz

from odoo.tests import HttpCase, new_test_user

from odoo.addons.onecard_consume.tests.common import LedgerChecks, setup_onecard_env
from odoo.addons.onecard_devices.lib.signing import sign

TZ = pytz.timezone("Asia/Shanghai")
API = "/onecard/api/v1/"


def local_unix(hour, minute=0, day=None):
    """Unix seconds of a wall-clock time today in the company zone."""
    day = day or datetime.now(TZ).date()
    return int(
        TZ.localize(datetime(day.year, day.month, day.day, hour, minute)).timestamp()
    )


class TerminalApiCase(LedgerChecks, HttpCase):
    """Own data: a canteen, one signed terminal per mode and kind, holders with
    money."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_onecard_env(cls)
        cls.ledger = cls.env["onecard.ledger"]
        cls.cash = cls.env.ref("onecard_consume.payment_method_cash")
        Period = cls.env["onecard.meal.period"]
        cls.env["onecard.meal.period"].search([]).active = False
        cls.breakfast, cls.lunch, cls.dinner = Period.create(
            [
                {
                    "name": "Breakfast",
                    "code": "D_BRK",
                    "start_hour": 6.0,
                    "end_hour": 9.0,
                },
                {
                    "name": "Lunch",
                    "code": "D_LUN",
                    "start_hour": 11.0,
                    "end_hour": 13.5,
                },
                {
                    "name": "Dinner",
                    "code": "D_DIN",
                    "start_hour": 17.0,
                    "end_hour": 19.0,
                },
            ]
        )
        cls.canteen = cls.env["onecard.canteen"].create(
            {"name": "Device Canteen", "code": "D_CANTEEN"}
        )
        cls.staff = cls.env["onecard.cardholder.category"].create(
            {
                "name": "Device staff",
                "meals_per_period": 1,
                "credit_limit": 50.0,
                "meal_price_ids": [
                    (0, 0, {"meal_period_id": cls.lunch.id, "price": 12.0})
                ],
            }
        )
        Terminal = cls.env["onecard.terminal"]

        def terminal(code, mode="amount", **vals):
            return Terminal.create(
                dict(
                    name=f"D {code}",
                    code=code,
                    mode=mode,
                    canteen_id=cls.canteen.id,
                    serial_number=f"OCTEST-SN-{code}",
                    **vals,
                )
            )

        cls.t_amount = terminal("AMT")
        cls.t_key = terminal(
            "KEY",
            "key",
            key_ids=[
                (0, 0, {"key": 1, "name": "Rice", "amount": 5.0}),
                (0, 0, {"key": 2, "name": "Noodles", "amount": 12.5}),
            ],
        )
        cls.t_fixed = terminal("FIX", "fixed", fixed_amount=8.0)
        cls.t_meal = terminal("MEAL", "meal")
        cls.t_count = terminal("CNT", "count", fixed_amount=6.0)
        cls.t_postpaid = terminal("POST", "postpaid")
        cls.t_offline = terminal(
            "OFF", "fixed", fixed_amount=10.0, online_mode=False, offline_limit=50.0
        )
        cls.t_cashier = terminal("CASH", terminal_kind="cashier")
        cls.t_kiosk = terminal("KIOSK", terminal_kind="kiosk")
        cls.alice, cls.alice_card = cls.make_holder(
            "Alice", "D001", "04D1B2C3", cash=100.0, subsidy=50.0
        )
        cls.bob, cls.bob_card = cls.make_holder("Bob", "D002", "04D1B2C4", cash=20.0)
        cls.operator = new_test_user(
            cls.env,
            login="oc_dev_operator",
            groups="onecard_consume.group_onecard_operator",
        )
        op_holder = cls.env["onecard.cardholder"].create(
            {"name": "Olga Operator", "code": "D900", "category_id": cls.staff.id}
        )
        cls.operator_card = cls.env["onecard.card"].create(
            {
                "cardholder_id": op_holder.id,
                "uid": "04D1B2FF",
                "kind": "operator",
                "user_id": cls.operator.id,
            }
        )

    @classmethod
    def make_holder(cls, name, code, uid, cash=0.0, subsidy=0.0):
        holder = cls.env["onecard.cardholder"].create(
            {"name": name, "code": code, "category_id": cls.staff.id}
        )
        card = cls.ledger.issue_card(
            holder, uid, topup=cash, method=cls.cash if cash else None
        )
        if subsidy:
            cls.ledger._simple(
                "subsidy_grant",
                holder,
                [{"wallet": holder._wallet("subsidy"), "amount": subsidy}],
                amount=subsidy,
            )
        return holder, card

    # ------------------------------------------------------------ HTTP
    def call(
        self,
        terminal,
        endpoint,
        payload=None,
        body=None,
        ts=None,
        secret=None,
        serial=None,
        signature=None,
        method="POST",
        headers=None,
        nonce=None,
    ):
        """Signed request; returns (status, decoded JSON)."""
        path = API + endpoint
        if body is None:
            body = json.dumps(payload if payload is not None else {}).encode()
        ts = str(int(time.time()) if ts is None else ts)
        secret = secret or terminal.sudo().secret
        nonce = uuid.uuid4().hex if nonce is None else nonce
        all_headers = {
            "Content-Type": "application/json",
            "X-Terminal": serial or terminal.serial_number,
            "X-Timestamp": ts,
            "X-Signature": signature or sign(secret, method, path, ts, body, nonce),
        }
        if nonce:
            all_headers["X-Nonce"] = nonce
        all_headers.update(headers or {})
        if method == "POST":
            response = self.url_open(
                path, data=body, headers=all_headers, allow_redirects=False
            )
        else:
            response = self.opener.request(
                method, self.base_url() + path, headers=all_headers, timeout=10
            )
        self.env.invalidate_all()
        self.assertEqual(
            response.headers.get("Content-Type", "").split(";")[0],
            "application/json",
            response.text,
        )
        return response.status_code, response.json()

    def ok(self, terminal, endpoint, payload=None):
        status, data = self.call(terminal, endpoint, payload)
        self.assertEqual(status, 200, data)
        return data

    def error(self, expected_status, code, *args, **kwargs):
        status, data = self.call(*args, **kwargs)
        self.assertEqual(status, expected_status, data)
        self.assertEqual(data["error"]["code"], code, data)
        self.assertTrue(data["error"]["message"])
        return data

    # ------------------------------------------------------------ asserts
    def counts(self):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT (SELECT count(*) FROM onecard_transaction), "
            "(SELECT count(*) FROM onecard_operation)"
        )
        return self.env.cr.fetchone()
