"""Clean-up for the concurrency tests, which commit their data on their own cursor
(racing threads must see it) and so must remove it themselves. Raw SQL in
dependency order; the caller deletes what else it made between the two steps
(operations first, then the holder) and commits."""


def delete_committed_operations(cr, ids):
    """The holder's operations (and its terminal's, when ``ids`` has one) with their
    ledger rows."""
    cr.execute(
        "SELECT id FROM onecard_operation WHERE cardholder_id = %s OR terminal_id = %s",
        [ids["holder"], ids.get("terminal")],
    )
    ops = [r[0] for r in cr.fetchall()]
    cr.execute(
        "DELETE FROM onecard_transaction WHERE operation_id = ANY(%s) OR "
        "wallet_id = ANY(%s)",
        [ops, ids["wallets"]],
    )
    cr.execute(
        "UPDATE onecard_operation SET reversal_of_id = NULL, "
        "reversed_by_id = NULL WHERE id = ANY(%s)",
        [ops],
    )
    cr.execute("DELETE FROM onecard_operation WHERE id = ANY(%s)", [ops])


def delete_committed_settlements(cr, settlements):
    """Settlements given as (id, move id) pairs: their claims, their debt trail
    (cascade), the settlements and their journal entries with their chatter."""
    done = [s for s, _m in settlements]
    moves = [m for _s, m in settlements if m]
    cr.execute(
        "DELETE FROM onecard_transaction_settled WHERE settlement_id = ANY(%s)", [done]
    )
    cr.execute("DELETE FROM onecard_settlement WHERE id = ANY(%s)", [done])
    cr.execute(
        "DELETE FROM mail_message WHERE (model = 'account.move' AND res_id = "
        "ANY(%s)) OR (model = 'onecard.settlement' AND res_id = ANY(%s))",
        [moves, done],
    )
    cr.execute("DELETE FROM account_move WHERE id = ANY(%s)", [moves])


def delete_committed_holder(cr, ids, chatter=()):
    """The card's history, the chatter of the card, the holder and ``chatter``
    ((model, ids) pairs), then card, wallets and holder."""
    cr.execute("DELETE FROM onecard_card_history WHERE card_id = %s", [ids["card"]])
    for model, res_ids in (
        ("onecard.card", [ids["card"]]),
        ("onecard.cardholder", [ids["holder"]]),
        *chatter,
    ):
        cr.execute(
            "DELETE FROM mail_message WHERE model = %s AND res_id = ANY(%s)",
            [model, res_ids],
        )
        cr.execute(
            "DELETE FROM mail_followers WHERE res_model = %s AND res_id = ANY(%s)",
            [model, res_ids],
        )
    cr.execute("DELETE FROM onecard_card WHERE id = %s", [ids["card"]])
    cr.execute("DELETE FROM onecard_wallet WHERE id = ANY(%s)", [ids["wallets"]])
    cr.execute("DELETE FROM onecard_cardholder WHERE id = %s", [ids["holder"]])
