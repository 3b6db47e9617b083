import json
from unittest.mock import patch

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.bus.models.bus import ImBus
from odoo.addons.bus.websocket import WebsocketConnectionHandler
from odoo.addons.onecard_devices.models.onecard_desk_reader import BUS_TYPE, hash_token

ENDPOINT = "/onecard/desk/reader"
# same as static/tests/tours/desk_reader_tour.esm.js
TOUR_TOKEN = "ocdr_tour-token-for-tests-only"


@tagged("post_install", "-at_install")
class TestDeskReader(HttpCase):
    """Desk card reader agents: tokens, POST /onecard/desk/reader, bus notification to
    the operator."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.operator = new_test_user(
            cls.env,
            login="oc_desk_reader_operator",
            name="Desk Reader Operator",
            groups="base.group_user,onecard_consume.group_onecard_operator",
        )
        cls.manager = new_test_user(
            cls.env,
            login="oc_desk_reader_manager",
            name="Desk Reader Manager",
            groups="base.group_user,onecard_consume.group_onecard_manager",
        )
        cls.reader = (
            cls.env["onecard.desk.reader"]
            .with_user(cls.manager)
            .create({"name": "Card office, window 1", "user_id": cls.operator.id})
        )
        action = cls.reader.action_generate_token()
        cls.token = action["context"]["default_token"]

    # ------------------------------------------------------------------ helpers
    def _post(self, body, token=None, headers=None, method="POST"):
        all_headers = {"Content-Type": "application/json"}
        if token is not False:
            all_headers["Authorization"] = "Bearer %s" % (token or self.token)
        all_headers.update(headers or {})
        data = (
            body if isinstance(body, bytes | str) or body is None else json.dumps(body)
        )
        # self.opener, not url_open: url_open turns a POST with an empty body into a GET
        return self.opener.request(
            method,
            self.base_url() + ENDPOINT,
            data=data,
            headers=all_headers,
            timeout=12,
            allow_redirects=False,
        )

    def _desk_notifications(self, user=None):
        """Payloads of the onecard_desk_uid bus notifications of ``user``'s partner (all
        rows, oldest first)."""
        partner = (user or self.operator).partner_id
        channel = json.dumps(
            [self.env.cr.dbname, "res.partner", partner.id], separators=(",", ":")
        )
        rows = (
            self.env["bus.bus"].sudo().search([("channel", "=", channel)], order="id")
        )
        messages = [json.loads(row.message) for row in rows]
        return [m["payload"] for m in messages if m["type"] == BUS_TYPE]

    def _assert_error(self, response, status, code):
        self.assertEqual(response.status_code, status, response.text)
        self.assertEqual(
            response.headers["Content-Type"].split(";")[0], "application/json"
        )
        self.assertEqual(response.json()["error"]["code"], code)

    # ------------------------------------------------------------------ tokens
    def test_token_is_stored_hashed_and_shown_once(self):
        self.assertTrue(self.token.startswith("ocdr_"))
        self.assertGreaterEqual(len(self.token), 40)
        stored = self.reader.sudo().read(["token_hash", "token_hint"])[0]
        self.assertEqual(stored["token_hash"], hash_token(self.token))
        self.assertNotIn(self.token, json.dumps(stored))
        self.assertTrue(self.token.startswith(stored["token_hint"].rstrip("…")))
        self.assertEqual(
            self.env["onecard.desk.reader"]._authenticate(self.token), self.reader
        )
        self.assertFalse(
            self.env["onecard.desk.reader"]._authenticate(self.token + "x")
        )
        # the show dialog takes the token from its context: never stored
        show = (
            self.env["onecard.desk.reader.token.show"]
            .with_user(self.manager)
            .with_context(default_token=self.token)
            .new({})
        )
        self.assertEqual(show.token, self.token)

    def test_regenerate_and_revoke(self):
        old = self.token
        new = self.reader.with_user(self.manager).action_generate_token()["context"][
            "default_token"
        ]
        self.assertNotEqual(old, new)
        self._assert_error(
            self._post({"uid": "04A1B2C3"}, token=old), 401, "unauthorized"
        )
        self.assertEqual(self._post({"uid": "04A1B2C3"}, token=new).status_code, 200)
        self.reader.with_user(self.manager).action_revoke_token()
        self.assertFalse(self.reader.has_token)
        self._assert_error(
            self._post({"uid": "04A1B2C3"}, token=new), 401, "unauthorized"
        )

    def test_operator_cannot_read_tokens(self):
        Reader = self.env["onecard.desk.reader"].with_user(self.operator)
        self.assertFalse(Reader.has_access("read"))

    # ------------------------------------------------------------------ endpoint
    def test_uid_is_sent_to_the_operator(self):
        response = self._post({"uid": "04:a1:b2:c3:d4:e5:f6"})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json(), {"ok": True, "uid": "04A1B2C3D4E5F6"})
        payloads = self._desk_notifications()
        self.assertEqual(len(payloads), 1)
        self.assertEqual(payloads[0]["uid"], "04A1B2C3D4E5F6")
        self.assertEqual(payloads[0]["reader"], "Card office, window 1")
        self.assertFalse(self._desk_notifications(self.manager))
        self.assertTrue(self.reader.last_seen)
        self.assertEqual(self.reader.last_uid, "04A1B2C3D4E5F6")

    def test_ping_checks_the_token_only(self):
        response = self._post({"ping": True})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["user"], "Desk Reader Operator")
        self.assertFalse(self._desk_notifications())

    @mute_logger("odoo.addons.onecard_devices.controllers.desk_reader")
    def test_bad_token_401(self):
        for token in ("nope", self.token[:-1], "", "x" * 500):
            with self.subTest(token=token[:10]):
                self._assert_error(
                    self._post({"uid": "04A1B2C3"}, token=token or " "),
                    401,
                    "unauthorized",
                )
        response = self._post({"uid": "04A1B2C3"}, token=False)
        self._assert_error(response, 401, "unauthorized")
        self.assertIn("Bearer", response.headers.get("WWW-Authenticate", ""))
        self._assert_error(
            self._post(
                {"uid": "04A1B2C3"}, headers={"Authorization": "Basic " + self.token}
            ),
            401,
            "unauthorized",
        )
        # archived agent, archived user
        self.reader.active = False
        self._assert_error(self._post({"uid": "04A1B2C3"}), 401, "unauthorized")
        self.reader.active = True
        self.operator.active = False
        self._assert_error(self._post({"uid": "04A1B2C3"}), 401, "unauthorized")
        self.assertFalse(self._desk_notifications())

    def test_bad_body_400(self):
        bodies = [
            b"{not json",
            b"",
            b"\xff\xfe",
            b"NaN",
            b"[1, 2]",
            b'"04A1B2C3"',
            b"[" * 3000,
            {},
            {"uid": None},
            {"uid": 4711},
            {"uid": ["04A1B2C3"]},
            {"uid": ""},
            {"uid": "xyz"},
            {"uid": "04A1B2"},
            {"uid": "04A1B2C3D4E5F60718293A"},
            {"uid": "04A1B2C3D"},
            {"card": "04A1B2C3"},
            {"ping": "yes"},
        ]
        for body in bodies:
            with self.subTest(body=body if not isinstance(body, bytes) else body[:20]):
                response = self._post(body)
                self.assertEqual(response.status_code, 400, response.text)
                self.assertIn(
                    response.json()["error"]["code"], ("invalid_json", "invalid_uid")
                )
        self._assert_error(
            self._post(b'{"uid": "%s"}' % (b"0" * 5000)), 413, "body_too_large"
        )
        self._assert_error(self._post(None, method="GET"), 405, "method_not_allowed")
        self.assertFalse(self._desk_notifications())

    # ------------------------------------------------------------------ browser
    def test_tour_desk_loads_the_card(self):
        """The operator's open desk loads the card the agent read: endpoint -> bus -> JS
        -> onchange."""
        category = self.env["onecard.cardholder.category"].create(
            {"name": "Desk reader category"}
        )
        holder = self.env["onecard.cardholder"].create(
            {"name": "Desk Reader Holder", "code": "DR-001", "category_id": category.id}
        )
        self.env["onecard.ledger"].issue_card(holder, "04D35C0011")
        self.reader.sudo().write(
            {"token_hash": hash_token(TOUR_TOKEN), "token_hint": TOUR_TOKEN[:11]}
        )
        sendone = ImBus._sendone

        def sendone_now(bus, target, notification_type, message):
            sendone(bus, target, notification_type, message)
            if notification_type == BUS_TYPE:
                # HttpCase's test cursor drops post-commit hooks, and with them bus's
                # NOTIFY: run them now, as addons/bus/tests/test_notify.py does, so that
                # the websocket pushes the notification.
                bus.env.cr.precommit.run()  # create the bus.bus row
                bus.env.cr.postcommit.run()  # NOTIFY imbus

        # Odoo refuses websockets during tests (bus's WebsocketCase allows them the same
        # way).
        with (
            patch.object(ImBus, "_sendone", sendone_now),
            patch.object(
                WebsocketConnectionHandler, "websocket_allowed", return_value=True
            ),
        ):
            self.start_tour(
                "/odoo/action-onecard_consume.onecard_desk_action",
                "onecard_desk_reader_tour",
                login=self.operator.login,
            )
        self.assertEqual([p["uid"] for p in self._desk_notifications()], ["04D35C0011"])
