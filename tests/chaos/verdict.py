"""The fault run's verdict: the office channels against their record, money
conserved in total, and the table (operations by channel, faults by kind,
acknowledged, booked, lost, doubled, violations)."""


class Verdict:
    """Mixed into ChaosRun (run.py): reads its record, faults and reports."""

    def desk_check(self, conn, before, table, violations):
        """Desk and subsidy against their record; then money conserved in total."""
        with conn.cursor() as cur:
            cur.execute(
                """SELECT kind, count(*), COALESCE(sum(amount), 0)
                     FROM onecard_operation
                    WHERE id > %s AND kind IN ('topup', 'subsidy_grant')
                      AND terminal_id IS NULL AND state = 'approved' GROUP BY kind""",
                [before["max_op"]],
            )
            db = {
                kind: (count, float(amount)) for kind, count, amount in cur.fetchall()
            }
        rec = self.desk.record
        topups, topup_money = db.get("topup", (0, 0.0))
        granted = db.get("subsidy_grant", (0, 0.0))[1]
        if (
            not rec["topups_acked"]
            <= topups
            <= rec["topups_acked"] + rec["topups_failed"]
        ):
            violations.append(f"desk: {rec['topups_acked']} acked, {topups} booked")
        if (
            not rec["topups_failed"]
            and abs(topup_money - rec["topup_money_acked"]) > 0.005
        ):
            violations.append(
                f"desk money: {rec['topup_money_acked']} acked, {topup_money} booked"
            )
        if (
            rec["subsidy_granted"] is not None
            and abs(rec["subsidy_granted"] - granted) > 0.005
        ):
            violations.append(
                f"subsidy: {rec['subsidy_granted']} granted, {granted} booked"
            )
        refund_money = self.refund_transfer_check(conn, before, table, violations)
        zk_money = self.zk.check(conn, before["max_op"], table, violations)
        wallet_delta, told, unknown = table.pop("_money")
        expected = -told - unknown + topup_money + granted - refund_money - zk_money
        if abs(wallet_delta - expected) > 0.005:
            violations.append(
                f"money not conserved: wallets moved {wallet_delta:.2f}, "
                f"the record says {expected:.2f}"
            )
        table.update(
            {
                "desk top-ups acked / booked": f"{rec['topups_acked']} / {topups}",
                "desk failed calls": rec["topups_failed"],
                "desk money acked / booked": (
                    f"{rec['topup_money_acked']:.2f} / {topup_money:.2f}"
                ),
                "subsidy granted (record / ledger)": (
                    f"{rec['subsidy_granted']} / {granted:.2f}"
                ),
                "report queries ok / failed": (
                    f"{rec['reports_ok']} / {rec['reports_failed']}"
                ),
                "money: wallets delta / record": f"{wallet_delta:.2f} / {expected:.2f}",
            }
        )
        table["violations"] = len(violations)

    def refund_transfer_check(self, conn, before, table, violations):
        """Desk refunds (money out) and transfers (between the wallets of one
        holder) against their record; return the refunds' booked money."""
        with conn.cursor() as cur:
            cur.execute(
                """SELECT kind, count(*), COALESCE(sum(amount), 0)
                     FROM onecard_operation
                    WHERE id > %s AND kind IN ('refund', 'transfer')
                      AND terminal_id IS NULL AND state = 'approved' GROUP BY kind""",
                [before["max_op"]],
            )
            db = {k: (n, float(amount)) for k, n, amount in cur.fetchall()}
            # a transfer moves money between two wallets of one holder: its rows
            # sum to zero and name one holder
            cur.execute(
                """SELECT o.id FROM onecard_operation o
                     JOIN onecard_transaction t ON t.operation_id = o.id
                     JOIN onecard_wallet w ON w.id = t.wallet_id
                    WHERE o.id > %s AND o.kind = 'transfer'
                    GROUP BY o.id
                   HAVING abs(sum(t.amount)) > 0.001 OR count(*) != 2
                       OR count(DISTINCT w.cardholder_id) != 1""",
                [before["max_op"]],
            )
            bad_transfers = [r[0] for r in cur.fetchall()]
        rec = self.desk.record
        refunds, refund_money = db.get("refund", (0, 0.0))
        transfers = db.get("transfer", (0, 0.0))[0]
        acked, failed = rec["refund_money_acked"], rec["refund_money_failed"]
        if (
            not rec["refunds_acked"]
            <= refunds
            <= (rec["refunds_acked"] + rec["refunds_failed"])
        ):
            violations.append(
                f"refunds: {rec['refunds_acked']} acked, {refunds} booked"
            )
        if not acked - 0.005 <= refund_money <= acked + failed + 0.005:
            violations.append(
                f"refund money: {acked:.2f} acked (+{failed:.2f} failed), "
                f"{refund_money:.2f} booked"
            )
        if (
            not rec["transfers_acked"]
            <= transfers
            <= (rec["transfers_acked"] + rec["transfers_failed"])
        ):
            violations.append(
                f"transfers: {rec['transfers_acked']} acked, {transfers} booked"
            )
        if bad_transfers:
            violations.append(f"transfers not within one holder: {bad_transfers[:5]}")
        table.update(
            {
                "desk refunds acked / failed / booked": (
                    f"{rec['refunds_acked']} / {rec['refunds_failed']} / {refunds}"
                ),
                "refund money acked / booked": f"{acked:.2f} / {refund_money:.2f}",
                "desk transfers acked / failed / booked": (
                    f"{rec['transfers_acked']} / {rec['transfers_failed']} / "
                    f"{transfers}"
                ),
            }
        )
        return refund_money

    def verdict(self, table, violations, settled):
        table["violations"] = len(violations)
        if self.conflicts.get("conflicts") != 10 or self.conflicts.get("acked"):
            violations.append(f"restarted counter not refused: {self.conflicts}")
        channels = {}
        for report in self.reports:
            key = report.get("channel", "?")
            row = channels.setdefault(
                key, {"sent": 0, "acked": 0, "busy": 0, "retransmits": 0}
            )
            row["sent"] += report.get("sent", 0) + report.get("offline_recorded", 0)
            row["acked"] += len(report.get("acked", []))
            row["busy"] += report.get("busy", 0)
            row["retransmits"] += report.get("retransmits", 0)
        rec = self.desk.record
        for name, kind in (
            ("desk top-up", "topups"),
            ("desk refund", "refunds"),
            ("desk transfer", "transfers"),
        ):
            channels[name] = {
                "sent": rec[kind + "_acked"] + rec[kind + "_failed"],
                "acked": rec[kind + "_acked"],
                "busy": 0,
                "retransmits": 0,
            }
        zk = self.zk.record
        channels["zk push (iclock)"] = {
            "sent": sum(len(punches) for punches in zk["punched"].values()),
            "acked": sum(len(punches) for punches in zk["acked"].values()),
            "busy": 0,
            "retransmits": zk["replays"],
        }
        lines = [
            "",
            "operations by channel",
            "  %-18s %8s %8s %8s %8s" % ("channel", "sent", "acked", "busy", "retrans"),
        ]
        for key, row in sorted(channels.items()):
            lines.append(
                "  %-18s %8d %8d %8d %8d"
                % (key, row["sent"], row["acked"], row["busy"], row["retransmits"])
            )
        faults = dict(self.faults)
        for proxy in (self.tcp_proxy, self.http_proxy):
            for key, value in proxy.counts.items():
                faults["net_" + key] = faults.get("net_" + key, 0) + value
        lines += ["faults injected"] + [
            f"  {name:<30} {count}" for name, count in sorted(faults.items())
        ]
        drill = self.drill
        drill_settle = drill.get("settle", {})
        restarts = ", ".join(f"{mode} {took:.2f}s" for mode, took in self.box.restarts)
        lines += [
            "PostgreSQL restarts: " + (restarts or "none"),
            f"time to first booking after a restart (s): {self.recovery}",
            f"sequence restart: {self.conflicts.get('conflicts', 0)} refused as "
            "sequence_conflict",
            f"backup drill: dump at operation {drill.get('max_op')}, problems "
            f"{len(drill.get('problems', []))}, same ledger totals as live up to it, "
            f"restored settlement debit {drill_settle.get('debit')} balanced "
            f"{drill_settle.get('balanced')}",
            f"settlement: move {settled['move']} debit {settled['debit']} credit "
            f"{settled['credit']}, reconciliation balanced {settled['balanced']}",
            "checker",
        ]
        lines += [f"  {name:<30} {value}" for name, value in table.items()]
        lines += [f"violations: {len(violations)}"] + [
            "  " + v for v in violations[:20]
        ]
        print("\n".join(lines), flush=True)
        return table, violations
