"""ZKTeco standalone devices (TCP 4370, no PUSH firmware): we call them with pyzk.

A collection talks to one device in one session: device information into the
terminal's status, the clock set when it is off by more than a minute, the
attendance records booked through the PUSH path (``book_punches``: punch =
meal, identified by device + PIN + time), then the user changes of the
versioned card lists run as ``set_user`` / ``delete_user`` (the commands are
the same ones PUSH devices get, marked done or failed at once).

The device always hands out its whole log; the terminal remembers the last
record it passed to the engine (``zk_pull_mark``) so only the records after it
are booked, and implausible ones are reported once, not at every collection.
The log is cleared (option) only when every record on it was booked by an
earlier, committed collection: never in the transaction that books them.

The scheduled job collects one terminal per call and reports the terminals
left with ``ir.cron._notify_progress``: ``ir.cron`` commits after each call,
so a terminal's bookings never wait for, nor roll back with, another's.
"""

import logging
import os
import struct

import psycopg2

from odoo import api, fields, models

from ..zkteco import clock
from ..zkteco.messages import AttLogRecord
from .onecard_zkteco_users import LIST_KINDS

try:
    import zk
    from zk.exception import ZKError, ZKErrorResponse
    from zk.user import User as DeviceUser
except ImportError:  # pragma: no cover - pyzk is in requirements.txt
    zk = DeviceUser = None
    ZKError = ZKErrorResponse = OSError

_logger = logging.getLogger(__name__)

TIMEOUT = 10  # seconds a device may take to answer one packet
CLOCK_TOLERANCE = 60  # seconds
NAME_BYTES = 24  # the user name field of the device


class PullError(Exception):
    """A device that answered, but not as the terminal it should be."""


class OnecardZktecoPull(models.AbstractModel):
    _name = "onecard.zkteco.pull"
    _description = "ZKTeco Standalone Collection"

    @api.model
    def _cron_collect(self):
        """Collect the next due terminal; return it (empty when none was due)."""
        due = self._due_terminals()
        if due:
            self._collect(due[0])
        self.env["ir.cron"]._notify_progress(done=len(due[:1]), remaining=len(due[1:]))
        return due[:1]

    def _due_terminals(self):
        """Terminals not tried since the previous run of the job ended (``lastcall``,
        to the second: a terminal tried in that run's last second is due too)."""
        domain = [
            ("connection", "=", "zk_pull"),
            ("zk_state", "=", "approved"),
            ("zk_host", "!=", False),
        ]
        lastcall = self.env.context.get("lastcall")
        attempt = [("zk_pull_attempt", "=", False)]
        if lastcall:
            attempt = ["|", *attempt, ("zk_pull_attempt", "<=", lastcall)]
        return (
            self.env["onecard.terminal"]
            .sudo()
            .search(domain + attempt, order="zk_pull_attempt asc nulls first, id")
        )

    @api.model
    def _collect(self, terminal):
        """Collect one device; never raises. Returns a line for the operator."""
        terminal = terminal.sudo().with_company(terminal.company_id)
        if not self._lock(terminal):
            return self.env._("%s: a collection is already running.", terminal.name)
        terminal.zk_pull_attempt = fields.Datetime.now()
        try:
            with self.env.cr.savepoint():
                summary = self._session(terminal)
        except (ZKError, OSError, PullError, clock.ClockError) as exc:
            _logger.warning("ZKTeco collection of %s failed: %s", terminal.name, exc)
            return self._failed(terminal, exc)
        except Exception as exc:  # a bug: logged in full, the other devices go on
            _logger.exception("ZKTeco collection of %s failed", terminal.name)
            return self._failed(terminal, exc)
        if terminal.zk_pull_error:
            terminal.message_post(body=self.env._("The device answers again."))
        terminal.write(
            {
                "zk_pull_error": False,
                "zk_last_collect": fields.Datetime.now(),
                "last_seen": fields.Datetime.now(),
                "silent": False,
            }
        )
        return self.env._(
            "%(name)s: %(records)s new records, %(set)s users set, "
            "%(deleted)s deleted%(cleared)s.",
            name=terminal.name,
            **summary,
        )

    def _lock(self, terminal):
        """The terminal's row, or False when another collection holds it."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM onecard_terminal WHERE id = %s "
                    "FOR NO KEY UPDATE NOWAIT",
                    [terminal.id],
                    log_exceptions=False,
                )
        except psycopg2.OperationalError:
            return False
        return True

    def _failed(self, terminal, exc):
        """Offline, the error in the status; the chatter hears of it once."""
        error = self.env._(
            "%(host)s:%(port)s: %(error)s",
            host=terminal.zk_host,
            port=terminal.zk_port,
            error=str(exc) or type(exc).__name__,
        )[:250]
        if terminal.zk_pull_error != error:
            terminal.message_post(
                body=self.env._("Collection failed, device offline: %s", error)
            )
        terminal.zk_pull_error = error
        return self.env._("%(name)s: %(error)s", name=terminal.name, error=error)

    # ------------------------------------------------------------ one session
    def _session(self, terminal):
        if zk is None:
            raise PullError(self.env._("pyzk is not installed."))
        if not terminal.zk_host:
            raise PullError(self.env._("no device address."))
        client = zk.ZK(
            terminal.zk_host,
            port=terminal.zk_port or 4370,
            timeout=TIMEOUT,
            ommit_ping=True,  # pyzk would run the ping command through a shell
        )
        refused = client.helper.test_tcp()  # pyzk itself would say "Broken pipe"
        if refused:
            raise PullError(self.env._("no answer on TCP (%s).", os.strerror(refused)))
        conn = client.connect()
        try:
            self._read_info(terminal, conn)
            self._sync_clock(terminal, conn)
            records = conn.get_attendance()
            new = self._book(terminal, records)
            done, deleted = self._push_users(terminal, conn)
            cleared = not new and self._clear(terminal, conn, records)
            conn.read_sizes()
            terminal.write(
                {"zk_user_count": conn.users, "zk_record_count": conn.records}
            )
        finally:
            try:
                conn.disconnect()
            except (ZKError, OSError) as exc:  # the device hangs up by itself
                _logger.debug("ZKTeco %s: disconnect: %s", terminal.name, exc)
        return {
            "records": new,
            "set": done,
            "deleted": deleted,
            "cleared": self.env._(", device log cleared") if cleared else "",
        }

    def _read_info(self, terminal, conn):
        serial = conn.get_serialnumber()
        if terminal.serial_number and serial != terminal.serial_number:
            raise PullError(
                self.env._(
                    "the device answers with serial number %(found)s, this terminal "
                    "is %(expected)s: nothing collected.",
                    found=serial,
                    expected=terminal.serial_number,
                )
            )
        conn.read_sizes()
        info = {
            "serial": serial,
            "platform": conn.get_platform(),
            "device_name": conn.get_device_name(),
            "mac": conn.get_mac(),
            "users": f"{conn.users} / {conn.users_cap}",
            "records": f"{conn.records} / {conn.rec_cap}",
        }
        values = {
            "firmware": (conn.get_firmware_version() or "")[:64],
            "zk_info": "\n".join(f"{key}={value}" for key, value in info.items()),
        }
        if not terminal.serial_number and serial:
            values["serial_number"] = serial
        terminal.write(values)

    def _sync_clock(self, terminal, conn):
        """Device clock minus ours into clock_drift; set it when off by a minute."""
        tz = terminal.company_id.partner_id.tz or "UTC"
        drift = (
            conn.get_time() - clock.utc_to_device(fields.Datetime.now(), tz)
        ).total_seconds()
        terminal.clock_drift = int(drift)
        if abs(drift) <= CLOCK_TOLERANCE:
            return
        conn.set_time(clock.utc_to_device(fields.Datetime.now(), tz))
        terminal.zk_last_time_sync = fields.Datetime.now()
        terminal.message_post(
            body=self.env._("Device clock was off by %s seconds: set.", int(drift))
        )

    def _book(self, terminal, attendances):
        """The records after the mark through ``book_punches``; how many were new."""
        tz, now = terminal.company_id.partner_id.tz or "UTC", fields.Datetime.now()
        marks = [_mark(a) for a in attendances]
        start = 0
        if terminal.zk_pull_mark in marks:
            start = len(marks) - marks[::-1].index(terminal.zk_pull_mark)
        records = []
        for line_no, att in enumerate(attendances[start:], start + 1):
            # pyzk calls the verify byte "status", and the in/out state "punch"
            record = AttLogRecord(
                line_no, str(att.user_id), att.timestamp, att.punch, att.status
            )
            record.utc = clock.device_to_utc(record.time, tz)
            record.flag = clock.plausibility(record.utc, now) or ""
            records.append(record)
        if records:
            self.env["onecard.zkteco.service"].book_punches(terminal, records)
        terminal.zk_pull_mark = marks[-1] if marks else False
        return len(records)

    def _push_users(self, terminal, conn):
        """Run the queued user commands on the device: (done, deleted)."""
        device = {user.user_id: user for user in conn.get_users()}
        Users = self.env["onecard.zkteco.users"]
        Users._queue_users(terminal, device_pins=set(device))
        commands = (
            self.env["onecard.terminal.command"]
            .sudo()
            .search(
                [
                    ("terminal_id", "=", terminal.id),
                    ("kind", "in", LIST_KINDS),
                    ("state", "in", ("queued", "sent")),
                ],
                order="id",
            )
        )
        next_uid = max((user.uid for user in device.values()), default=0) + 1
        done = deleted = 0
        for command in commands:
            user = device.get(command.device_pin)
            try:
                if command.kind == "user_delete":
                    if user:  # a user the device does not have is already gone
                        conn.delete_user(uid=user.uid)
                        deleted += 1
                else:
                    if not user:
                        user = DeviceUser(next_uid, "", 0)
                        next_uid += 1
                    conn.set_user(
                        uid=user.uid,
                        name=_fit(command.device_name, NAME_BYTES),
                        privilege=user.privilege,  # a device admin stays one
                        password=user.password,
                        group_id=user.group_id,
                        user_id=command.device_pin,
                        card=int(command.device_card or 0),
                    )
                    done += 1
            except (ZKErrorResponse, struct.error, ValueError) as exc:
                command.write(
                    {
                        "state": "failed",
                        "result": str(exc)[:128],
                        "done_date": fields.Datetime.now(),
                    }
                )
                continue
            command.write({"state": "done", "done_date": fields.Datetime.now()})
        Users._acknowledge_lists(terminal)
        return done, deleted

    def _clear(self, terminal, conn, attendances):
        """Empty the device log when all of it was booked by an earlier collection.

        The device is disabled (it takes no punch) between counting its
        records again and clearing them, so no unread record is lost.
        """
        if not (terminal.zk_clear_records and attendances):
            return False
        conn.disable_device()
        try:
            conn.read_sizes()
            if conn.records != len(attendances):
                return False
            conn.clear_attendance()
        finally:
            conn.enable_device()
        terminal.zk_pull_mark = False
        return True


def _mark(attendance):
    return f"{attendance.user_id}|{attendance.timestamp:%Y-%m-%d %H:%M:%S}"


def _fit(text, size):
    """At most ``size`` bytes of UTF-8, never half a character."""
    return (text or "").encode()[:size].decode(errors="ignore")
