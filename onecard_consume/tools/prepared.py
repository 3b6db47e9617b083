"""Server-side prepared statements for cursors that live long (the gateway's).

A batch statement of the engine costs PostgreSQL ~0.6 ms to parse and ~0.9 ms
to plan, whatever the batch size: two statements per batch, ~3 ms of every
batch. A cursor whose owner keeps it for its whole life marks it with
``cr.onecard_prepared = set()`` and the engine then PREPAREs each statement
once per connection and EXECUTEs it afterwards (PostgreSQL switches to a
generic plan after five executions when it is not worse). Other cursors run
the statements as they are: Odoo resets a pooled connection each time it is
borrowed (DISCARD ALL), which drops prepared statements, so preparing there
would only add a round trip.
"""
import re

_PLACEHOLDER = re.compile(r"%%|%s")  # psycopg2's escaped percent, or a parameter


def execute_prepared(cr, name, query, params, **kwargs):
    """``cr.execute(query, params)``, through PREPARE/EXECUTE when the cursor asked for it."""
    prepared = getattr(cr, "onecard_prepared", None)
    if prepared is None:
        return cr.execute(query, params, **kwargs)
    if name not in prepared:
        numbers = iter(range(1, len(params) + 1))
        numbered = _PLACEHOLDER.sub(lambda match: "%" if match.group() == "%%" else "$%d" % next(numbers), query)
        cr.execute("PREPARE %s AS %s" % (name, numbered))
        prepared.add(name)  # PREPARE outlives a rollback: it belongs to the session, not the transaction
    return cr.execute("EXECUTE %s(%s)" % (name, ", ".join(["%s"] * len(params))), params, **kwargs)
