"""ZKTeco PUSH devices: one HTTP request in, one plain-text answer out.

``serve`` is what the ``/iclock/*`` controller calls: it parses with
``zkteco.push`` (Odoo-free), acts, and answers with ``zkteco.build``. It
never raises: a device's firmware retries a failed request forever, so every
problem is a plain-text ``ERROR: <reason>`` with a 4xx status, logged.

Punch = meal: each ATTLOG line of an approved device is an offline record the
device already accepted, booked by the consumption engine in the terminal's
mode and identified by (device, PIN, punch time): a re-upload books nothing.
Device users follow the company's versioned card lists: a poll hands out the
user updates and deletions since the version the device acknowledged.
"""

import logging
from datetime import timedelta

from odoo import api, fields, models

from ..zkteco import build, clock, messages, push

_logger = logging.getLogger(__name__)

MAX_COMMANDS = 50  # per poll: a device with thousands of users gets them in rounds
CLOCK_SYNC = timedelta(days=1)


class OnecardZktecoService(models.AbstractModel):
    _name = "onecard.zkteco.service"
    _description = "ZKTeco PUSH Service"

    @api.model
    def serve(self, method, path, query, body, content_type, remote_addr):
        """Answer one device request: a ``zkteco.build.Response``. Never raises."""
        return self.serve_many(
            [(method, path, query, body, content_type, remote_addr)]
        )[0]

    @api.model
    def serve_many(self, requests):
        """Answer device requests in this one transaction: their Responses, in order.

        requests: ``(method, path, query, body, content_type, remote_addr)``.
        The punches of all the ATTLOG uploads among them go to the engine
        together (one ``swipe_many`` per company): the gateway's group commit
        of many devices' batches. An answer is only valid once the caller
        committed. Refusals are answers; only a fault of the engine raises.
        """
        now = fields.Datetime.now()
        answers, punches = [], []
        for method, path, query, body, content_type, remote_addr in requests:
            try:
                message = push.parse_request(
                    method, path, query, body, content_type, push.Context(now=now)
                )
                text = self._handle(message, remote_addr, now, punches)
                answers.append(build.response(text))
            except push.PushError as exc:
                _logger.info("ZKTeco request refused: %s %s", exc.reason, path)
                answers.append(build.error_response(exc))
        self._book_sets(punches)
        return answers

    # ------------------------------------------------------------ dispatch
    def _handle(self, message, remote_addr, now, punches):
        if isinstance(message, messages.Registration):
            terminal = self._terminal(message.sn, remote_addr, register=True)
            return self._registration(terminal, message, now)
        terminal = self._terminal(message.sn, remote_addr)
        terminal.sudo().write({"last_seen": now, "silent": False})
        if isinstance(message, messages.CommandPoll):
            return self._poll(terminal, message, now)
        if isinstance(message, messages.CommandResults):
            return self._results(terminal, message)
        if isinstance(message, messages.AttLogUpload | messages.OperLogUpload):
            if terminal.zk_state != "approved":
                # The device keeps the records and sends them again once approved.
                raise push.PushError("pending_approval")
            if isinstance(message, messages.AttLogUpload):
                return self._attlog(terminal, message, now, punches)
            return self._operlog(terminal, message)
        if isinstance(message, messages.OptionsUpload):
            self._store_info(terminal, message.options)
        return build.ok()

    def _terminal(self, sn, remote_addr, register=False):
        terminal = (
            self.env["onecard.terminal"]
            .sudo()
            .with_context(active_test=False)
            .search([("serial_number", "=", sn)], limit=1)
        )
        if not terminal and register:
            terminal = self._register_device(sn)
        if (
            not terminal.active
            or terminal.zk_state == "refused"
            or terminal.connection != "zk_push"
        ):
            raise push.PushError("unknown_serial")
        if not terminal._zk_address_allowed(remote_addr):
            raise push.PushError("address_not_allowed")
        return terminal

    def _register_device(self, sn):
        """An unknown serial: a pending terminal in the first canteen."""
        canteen = self.env["onecard.canteen"].sudo().search([], order="id", limit=1)
        if not canteen:
            return self.env["onecard.terminal"]
        terminal = (
            self.env["onecard.terminal"]
            .sudo()
            .create(
                {
                    "name": f"ZKTeco {sn}",
                    "code": sn,
                    "serial_number": sn,
                    "canteen_id": canteen.id,
                    "connection": "zk_push",
                    "zk_state": "pending",
                    "mode": "meal",
                    "online_mode": False,
                }
            )
        )
        terminal.message_post(
            body=self.env._(
                "Device %s registered by itself: approve it to let it book meals.", sn
            )
        )
        return terminal

    def _tz(self, terminal):
        return terminal.company_id.partner_id.tz or "UTC"

    # ------------------------------------------------------------ messages
    def _registration(self, terminal, message, now):
        values = {"last_seen": now, "silent": False}
        if message.pushver:
            values["firmware"] = f"PUSH {message.pushver}"[:64]
        terminal.sudo().write(values)
        if terminal.zk_state == "approved":
            self._queue_clock(terminal, force=True)
        offset = clock.device_tzinfo(self._tz(terminal)).utcoffset(now)
        hours = offset.total_seconds() / 3600
        return build.option_block(
            terminal.serial_number,
            timezone=int(hours) if hours == int(hours) else hours,
        )

    def _attlog(self, terminal, message, now, punches):
        """Queue the punches for booking; ``OK: n`` lets the device drop the n lines
        it sent (the caller answers only after the booking committed).

        The parser ran before the device (hence its time zone) was known: the
        times are converted and checked here.
        """
        tz = self._tz(terminal)
        for record in message.records:
            record.utc = clock.device_to_utc(record.time, tz)
            record.flag = clock.plausibility(record.utc, now) or ""
        punches.append((terminal, message.records))
        return build.ok(message.accepted)

    @api.model
    def book_punches(self, terminal, records):
        """Punches (``AttLogRecord`` with ``utc``) through the engine, once each.

        Shared by the PUSH upload and the standalone pull. Returns the engine's
        answers of the booked ones (see ``_book_sets``).
        """
        return self._book_sets([(terminal, records)])

    def _book_sets(self, punches):
        """``[(terminal, records)]`` through the engine: one ``swipe_many`` per company.

        Punches dated outside the plausibility window are not booked (a device
        clock that is far off would date meals into another period): they are
        counted and listed on the terminal for an operator.
        """
        by_company = {}
        for terminal, records in punches:
            odd = [r for r in records if r.flag]
            if odd:
                terminal.message_post(
                    body=self.env._(
                        "%(count)s punches not booked, their time is implausible: "
                        "%(lines)s",
                        count=len(odd),
                        lines="; ".join(
                            f"{r.pin} {r.time} ({r.flag})" for r in odd[:20]
                        ),
                    )
                )
            good = [r for r in records if not r.flag]
            if good:
                by_company.setdefault(terminal.company_id, []).append((terminal, good))
        answers = []
        for company, sets in by_company.items():
            uids = self._uids_by_pin(
                company, {r.pin for _t, good in sets for r in good}
            )
            requests = [
                {
                    "terminal_id": terminal.id,
                    "uid": uids.get(record.pin),
                    "idempotency_key": "ZK{}:{}:{}".format(
                        terminal.id, record.pin, record.utc.strftime("%Y%m%d%H%M%S")
                    ),
                    "business_time": record.utc,
                    "offline": True,
                    "note": None if record.pin in uids else f"PIN {record.pin}",
                }
                for terminal, good in sets
                for record in good
            ]
            # The answers' texts in the company's language. Without a language in
            # the context, Odoo looks one up per translated text (frame
            # inspection, then the user's preferences): 0.17 ms a punch
            # (bench_zkteco.py --profile), a fifth of the engine's Python.
            lang = company.partner_id.lang or "en_US"
            answers += (
                self.env["onecard.consumption"]
                .sudo()
                .with_company(company)
                .with_context(lang=lang)
                .swipe_many(requests)
            )
        return answers

    def _uids_by_pin(self, company, pins):
        """Device PIN = cardholder code; the holder's live card (else latest)."""
        self.env.cr.execute(
            """
            SELECT DISTINCT ON (h.code) h.code, c.uid
              FROM onecard_cardholder h JOIN onecard_card c ON c.cardholder_id = h.id
             WHERE h.company_id = %s AND h.code = ANY(%s)
             ORDER BY h.code, (c.state = 'active') DESC, c.id DESC
            """,
            [company.id, list(pins)],
        )
        return dict(self.env.cr.fetchall())

    def _operlog(self, terminal, message):
        if message.users:
            terminal.message_post(
                body=self.env._(
                    "Users enrolled or changed on the device: %s",
                    ", ".join(f"{u.pin} {u.name}" for u in message.users[:50]),
                )
            )
        return build.ok(message.accepted)

    def _store_info(self, terminal, info):
        values = {"zk_info": "\n".join(f"{k}={v}" for k, v in sorted(info.items()))}
        firmware = info.get("firmware") or info.get("FWVersion")
        if firmware:
            values["firmware"] = firmware[:64]
        users = info.get("users") or info.get("UserCount")
        if users and str(users).isdigit():
            values["zk_user_count"] = int(users)
        terminal.sudo().write(values)

    # ------------------------------------------------------------ commands
    def _poll(self, terminal, message, now):
        if message.info:
            self._store_info(terminal, message.info)
        if terminal.zk_state != "approved":
            return build.ok()
        self._queue_clock(terminal)
        self.env["onecard.zkteco.users"]._queue_users(terminal)
        return build.commands(self._hand_out(terminal, now))

    def _queue_clock(self, terminal, force=False):
        last = terminal.zk_last_time_sync
        if not force and last and fields.Datetime.now() - last < CLOCK_SYNC:
            return
        Command = self.env["onecard.terminal.command"].sudo()
        if not Command.search_count(
            [
                ("terminal_id", "=", terminal.id),
                ("kind", "=", "set_time"),
                ("state", "in", ("queued", "sent")),
            ]
        ):
            Command.create({"terminal_id": terminal.id, "kind": "set_time"})
        terminal.sudo().zk_last_time_sync = fields.Datetime.now()

    def _hand_out(self, terminal, now):
        commands = (
            self.env["onecard.terminal.command"]
            .sudo()
            .search(
                [
                    ("terminal_id", "=", terminal.id),
                    ("state", "in", ("queued", "sent")),
                ],
                order="id",
                limit=MAX_COMMANDS,
            )
        )
        local = clock.utc_to_device(now, self._tz(terminal))
        lines = []
        for command in commands:
            line = self._line(command, local)
            if line:
                lines.append(line)
            else:
                command.write({"state": "failed", "result": "not for this device"})
        commands.filtered(lambda c: c.state == "queued").write(
            {"state": "sent", "sent_date": now}
        )
        return lines

    def _line(self, command, local):
        if command.kind == "user_update":
            return build.cmd_update_user(
                command.id,
                command.device_pin,
                name=command.device_name or "",
                card=command.device_card or "",
            )
        if command.kind == "user_delete":
            return build.cmd_delete_user(command.id, command.device_pin)
        if command.kind == "set_time":
            return build.cmd_set_time(command.id, local)
        if command.kind == "reboot":
            return build.cmd_simple(command.id, "REBOOT")
        if command.kind == "info":
            return build.cmd_simple(command.id, "INFO")
        if command.kind == "push_lists":
            command.terminal_id.sudo().list_version = 0
            return build.cmd_simple(command.id, "CHECK")
        return None

    def _results(self, terminal, message):
        Command = self.env["onecard.terminal.command"].sudo()
        now = fields.Datetime.now()
        ids = [int(r.id) for r in message.results if r.id.isdigit()]
        open_commands = {
            command.id: command
            for command in Command.search(
                [
                    ("id", "in", ids),
                    ("terminal_id", "=", terminal.id),
                    ("state", "in", ("queued", "sent")),
                ]
            )
        }
        for result in message.results:
            command = open_commands.get(int(result.id) if result.id.isdigit() else 0)
            if not command:
                continue
            # Deleting a user the device does not have is what we wanted.
            ok = result.return_code == 0 or command.kind == "user_delete"
            command.write(
                {
                    "state": "done" if ok else "failed",
                    "result": f"Return={result.return_code}",
                    "done_date": now,
                }
            )
            if command.kind == "info" and result.fields:
                self._store_info(terminal, result.fields)
        self.env["onecard.zkteco.users"]._acknowledge_lists(terminal)
        return build.ok()
