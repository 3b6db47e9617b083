"""The company's unsettled ledger rows, as SQL (no model: settlement, claim and month
close import it)."""

from odoo.tools import SQL


def unsettled_ids(company_id, floor, before=None, upto=None):
    """SQL query: the ids of the company's ledger rows above floor (dated before
    ``before``, with ids up to ``upto``, if given) that no settlement holds.

    A set difference (EXCEPT) on purpose, not NOT EXISTS: it reads each side of the
    range once whatever the statistics say. Right after the claim table was empty
    (a first settlement, a bench run) its statistics say "no rows", and an anti-join
    then re-read the whole table for every ledger row (a first min() took minutes).
    """
    dated = SQL(" AND t.business_time < %s", before) if before else SQL()
    top, claim_top = (
        (SQL(" AND t.id <= %s", upto), SQL(" AND c.id <= %s", upto))
        if upto
        else (SQL(), SQL())
    )
    return SQL(
        "SELECT t.id FROM onecard_transaction t WHERE t.company_id = %s AND t.id > %s"
        "%s%s EXCEPT SELECT c.id FROM onecard_transaction_settled c WHERE c.id > %s%s",
        company_id,
        floor,
        dated,
        top,
        floor,
        claim_top,
    )
