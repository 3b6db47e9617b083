"""The checker: what the database holds against what the load generator was told.

The simulators' reports are the independent record: every (terminal, epoch,
sequence) a terminal got a decision for, approved or not, and its amount. The
database must hold every approved one exactly once, nothing approved that the
terminals were told was declined, and nothing booked that no terminal knows of
(except records whose terminal gave up waiting: counted, never charged twice).
"""

import os
import sys

import psycopg2

sys.path.insert(
    0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
)
from onecard_consume.tools.chain import GENESIS, chain_hash  # noqa: E402

PREFIX = "CX"


def connect(box, dbname):
    return psycopg2.connect(host=box.sock, port=box.port, dbname=dbname)


def snapshot(conn):
    """Totals at one moment: sum of wallets, last operation id."""
    with conn.cursor() as cur:
        cur.execute("SELECT COALESCE(sum(balance), 0) FROM onecard_wallet")
        wallets = float(cur.fetchone()[0])
        cur.execute("SELECT COALESCE(max(id), 0) FROM onecard_operation")
        return {"wallets": wallets, "max_op": cur.fetchone()[0]}


def invariants(conn):
    """[violation text] of the ledger: wallet = ledger, chains, credit limits."""
    bad = []
    with conn.cursor() as cur:
        cur.execute("""
            SELECT w.id FROM onecard_wallet w
              LEFT JOIN onecard_transaction t ON t.wallet_id = w.id
             GROUP BY w.id, w.balance
            HAVING w.balance IS DISTINCT FROM COALESCE(sum(t.amount), 0)""")
        bad += [f"wallet {r[0]} != its ledger" for r in cur.fetchall()]
        cur.execute(
            """SELECT t.wallet_id, t.id, t.prev_hash, t.hash, t.idempotency_key,
                      t.amount, t.balance_after, t.business_time, w.chain_head
                 FROM onecard_transaction t JOIN onecard_wallet w ON w.id = t.wallet_id
                ORDER BY t.wallet_id, t.id"""
        )
        prev_wallet, prev, head, total = None, GENESIS, None, 0.0
        rows = cur.fetchall()
        for wallet, row, prev_hash, row_hash, key, amount, after, when, h in rows:
            if wallet != prev_wallet:
                if prev_wallet is not None and head != prev:
                    bad.append(f"wallet {prev_wallet} head is not its last row")
                prev_wallet, prev, head, total = wallet, GENESIS, h, 0.0
            total += float(amount)
            expected = chain_hash(prev, wallet, key, float(amount), float(after), when)
            if (
                prev_hash != prev
                or row_hash != expected
                or abs(total - float(after)) > 0.001
            ):
                bad.append(f"chain broken at transaction {row}")
            prev = row_hash
        if prev_wallet is not None and head != prev:
            bad.append(f"wallet {prev_wallet} head is not its last row")
        # below the allowed credit, except rows of flagged offline records
        cur.execute("""
            SELECT t.id FROM onecard_transaction t
              JOIN onecard_operation o ON o.id = t.operation_id
              JOIN onecard_wallet w ON w.id = t.wallet_id
              JOIN onecard_cardholder h ON h.id = w.cardholder_id
              LEFT JOIN onecard_cardholder_category c ON c.id = h.category_id
             WHERE t.balance_after < -COALESCE(c.credit_limit, 0) - 0.001
               AND t.amount < 0 AND NOT COALESCE(o.offline, FALSE)""")
        bad += [f"transaction {r[0]} below its credit" for r in cur.fetchall()]
    return bad


def check(conn, before, reports, gave_up=0):
    """The end-of-run verdict: (table rows dict, [violations])."""
    acked = {}
    for report in reports:
        for a in report.get("acked", []):
            acked[(a["serial"], a.get("epoch") or 0, a["seq"])] = a
    with conn.cursor() as cur:
        cur.execute(
            """SELECT t.serial_number, COALESCE(o.terminal_epoch, 0), o.terminal_seq,
                      o.state, COALESCE(o.amount, 0), count(*) OVER (
                          PARTITION BY o.terminal_id, o.terminal_epoch,
                                       o.terminal_seq)
                 FROM onecard_operation o
                 JOIN onecard_terminal t ON t.id = o.terminal_id
                WHERE o.id > %s AND t.serial_number LIKE %s""",
            [before["max_op"], PREFIX + "%"],
        )
        booked = {}
        doubled = 0
        for serial, epoch, seq, state, amount, copies in cur.fetchall():
            doubled += copies > 1
            booked[(serial, epoch, seq)] = (state, float(amount))
        cur.execute(
            "SELECT COALESCE(sum(amount), 0) FROM onecard_transaction "
            "WHERE operation_id > %s",
            [before["max_op"]],
        )
        ledger_delta = float(cur.fetchone()[0])
    after = snapshot(conn)
    violations = []
    approved = {k for k, a in acked.items() if a.get("approved")}
    lost = [k for k in approved if booked.get(k, ("",))[0] != "approved"]
    told_declined = [
        k
        for k, a in acked.items()
        if not a.get("approved") and booked.get(k, ("",))[0] == "approved"
    ]
    unknown = [
        k for k, (state, _a) in booked.items() if state == "approved" and k not in acked
    ]
    acked_money = sum(booked[k][1] for k in approved if k in booked)
    told_money = sum(float(acked[k].get("amount") or 0) for k in approved)
    if abs(told_money - acked_money) > 0.005:
        violations.append(
            f"terminals were told {told_money:.2f}, the ledger booked "
            f"{acked_money:.2f}"
        )
    unknown_money = sum(booked[k][1] for k in unknown)
    wallet_delta = after["wallets"] - before["wallets"]
    if lost:
        violations.append(
            "%d acknowledged approvals not booked: %s" % (len(lost), lost[:5])
        )
    if doubled:
        violations.append("%d records booked twice" % doubled)
    if told_declined:
        violations.append(
            "%d told declined but booked: %s" % (len(told_declined), told_declined[:5])
        )
    if len(unknown) > gave_up:
        violations.append("%d booked that no terminal was answered for" % len(unknown))
    if abs(wallet_delta - ledger_delta) > 0.005:
        violations.append(
            f"wallets moved {wallet_delta:.2f}, the new ledger rows "
            f"{ledger_delta:.2f}"
        )
    violations += invariants(conn)
    table = {
        "acknowledged": len(acked),
        "approved (acked)": len(approved),
        "booked": len(booked),
        "lost": len(lost),
        "doubled": doubled,
        "booked, answer never received": len(unknown),
        "money acked (swipes, terminals' record)": round(told_money, 2),
        "money unacked-booked": round(unknown_money, 2),
        "wallets delta": round(wallet_delta, 2),
        "ledger delta": round(ledger_delta, 2),
        "violations": len(violations),
    }
    table["_money"] = (wallet_delta, told_money, unknown_money)
    return table, violations
