import hashlib

GENESIS = "0" * 64


def chain_hash(prev_hash, wallet_id, key, amount, balance_after, business_time):
    """Hash of one ledger row, chained per wallet.

    Amounts are formatted with two decimals so the same row always gives the
    same text whether it comes from Python floats or PostgreSQL numerics.
    """
    text = "|".join(
        (
            prev_hash or GENESIS,
            str(wallet_id),
            key or "",
            "%.2f" % amount,  # noqa: UP031 -- the hashed text, byte for byte
            "%.2f" % balance_after,  # noqa: UP031
            business_time.strftime("%Y-%m-%dT%H:%M:%S"),
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()
