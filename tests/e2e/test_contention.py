"""Many terminals, two cards: concurrent gateway batches keep meeting the same holders.

Checks what READ COMMITTED in the gateway's swipe batches must keep: every
acknowledged swipe booked once, balances equal to their ledger, each wallet's
hash chain unbroken, and no batch redone for a serialization failure (the
batch waiting on a holder's row lock goes on with the row as committed).
"""

import os
import re
import time

from onecard_consume.tools.chain import GENESIS, chain_hash

from .test_gateway_e2e import check_report, ops

STATUS = re.compile(r"status: .*? retries=(\d+) ")


def assert_chains(e2e, holder_ids):
    """Each wallet of these holders: every row links to the one before, the head is the
    last row."""
    wallets = e2e.sql(
        "SELECT id, chain_head FROM onecard_wallet WHERE cardholder_id = ANY(%s)",
        [holder_ids],
    )
    for wallet_id, head in wallets:
        prev = GENESIS
        rows = e2e.sql(
            """SELECT prev_hash, hash, idempotency_key, amount, balance_after,
                business_time
                            FROM onecard_transaction WHERE wallet_id = %s ORDER BY
                                id""",
            [wallet_id],
        )
        for prev_hash, row_hash, key, amount, after, when in rows:
            assert (
                prev_hash == prev
            ), f"wallet {wallet_id}: a row does not link to the one before"
            assert row_hash == chain_hash(
                prev, wallet_id, key, float(amount), float(after), when
            )
            prev = row_hash
        assert head == prev, f"wallet {wallet_id}: chain head is not its last row"


def _status_retries(log_path, offset):
    with open(log_path) as handle:
        handle.seek(offset)
        return [int(n) for n in STATUS.findall(handle.read())]


def test_concurrent_batches_on_the_same_holders(e2e):
    uids = [
        row[0]
        for row in e2e.sql(
            "SELECT uid FROM onecard_card WHERE state = 'active' AND kind = 'official' "
            "ORDER BY id DESC LIMIT 2"
        )
    ]
    holders = [
        row[0]
        for row in e2e.sql(
            "SELECT cardholder_id FROM onecard_card WHERE uid = ANY(%s)", [uids]
        )
    ]
    uid_file = os.path.join(e2e.tmp, "two_cards.txt")
    with open(uid_file, "w") as handle:
        handle.write("\n".join(uids))
    log_path = os.path.join(e2e.tmp, "gateway.log")
    offset = os.path.getsize(log_path)
    prefix = "E2F-"
    before = len(ops(e2e, prefix))
    report = e2e.simulate(
        "--transport",
        "tcp",
        "--port",
        e2e.tcp_port,
        "--serial-prefix",
        prefix,
        "--terminals",
        6,
        "--uids",
        uid_file,
        "--rate",
        300,
        "--duration",
        4,
        "--first-seq",
        e2e.next_seq(prefix),
    )
    assert report["sent"] > 200, report
    check_report(e2e, report, prefix)
    assert len(ops(e2e, prefix)) == before + report["sent"]
    assert report["approved"] > 0, report
    assert_chains(e2e, holders)
    deadline = time.time() + 12  # the gateway writes a status line every 5 s
    while len(_status_retries(log_path, offset)) < 2 and time.time() < deadline:
        time.sleep(0.5)
    retries = _status_retries(log_path, offset)
    assert retries, "no gateway status line after the burst"
    assert (
        sum(retries) == 0
    ), f"batches were redone after serialization failures: {retries}"
