"""The binary-protocol gateway for TCP and RS-485 terminals, and the terminal
HTTP API without Odoo's request stack (``odoo-bin onecard-gateway``, a thin
command in ``cli/onecard_gateway.py``). See docs/binary-protocol.md.

Nothing is answered before it is committed: the engine runs, the transaction
commits, and only THEN the answer (the acknowledgement) is written to the
wire. A frame whose answer was lost is retransmitted by the terminal with the
same terminal sequence and gets the stored first answer back (no second
charge). If a batch fails for anything but a retryable conflict, its swipes
are redone one per transaction so that one bad request cannot refuse the
others.

- ``retry.py``: the one retry policy (Odoo's PG_CONCURRENCY_ERRORS_TO_RETRY),
  also used by the Odoo HTTP controller;
- ``runner.py``: worker threads and their cursors, one transaction per unit;
- ``batcher.py``: group commit of the swipes;
- ``frames.py``: one binary request frame -> its answer frame;
- ``tcp.py``, ``rs485.py``, ``http.py``: the transports;
- ``status.py``: counters, status line, totals;
- ``signaling.py``: settings changed by other processes (Odoo, another gateway
  host) reach this one within a second (Odoo's cache signaling);
- ``server.py``: the process (start, graceful stop, --processes).

Nothing is imported here: the controller imports ``retry`` alone.
"""
