"""OneCard terminal simulator and load generator.

N virtual terminals talk to the server over HTTP (the terminal API), TCP
(the binary protocol, one connection per terminal) or an RS-485 serial bus
(binary protocol, the simulator answers the gateway's polls for every bus
address). Every terminal mode works: the terminal fetches its settings
(``config``) and swipes accordingly (amount / postpaid: an amount; key: a
configured key; fixed, meal, count: nothing). Offline terminals (or
``--offline``) accept swipes locally, print "OFFLINE", buffer the records and
upload them in sequence order; a record leaves the buffer only when the
server acknowledged it. Unanswered frames are retransmitted (same sequence,
retransmit flag) until answered.

Two servers: a TCP or HTTP terminal talks to the primary server of its settings
(``config``: ``primary_server``, ``fallback_server``, ``failback_minutes``; until
then ``--port`` / ``--url`` and ``--fallback``); after ``--failover-after`` failed
tries in a row (no connection, no answer within ``--timeout``) it moves to the other
one and retransmits the same records there (``lib/servers.py``). The report lists
every move (``moves``, ``failovers``). ``--stop-file`` ends a load run early.

Records are numbered (epoch, sequence): ``--reset-epoch`` asks the server for a
new sequence epoch first (what a terminal does after its counter was reset)
and numbers from ``--first-seq`` in it; ``--epoch`` uses a given one. A swipe
refused with ``sequence_conflict`` (its number was used for another request)
is counted in ``conflicts``. ``--clock`` fixes the terminals' clock: two runs
with the same ``--first-seq`` and ``--clock`` send the same records (replays).

Examples::

    python3 -m onecard_devices.simulator --transport tcp --port 9100 --terminals 3 \\
        --serial-prefix SIM- --secret s3cret --cards 100 --swipes 5 --show
    python3 -m onecard_devices.simulator --transport tcp --terminals 50 --rate 1500 \\
        --duration 60
    python3 -m onecard_devices.simulator --transport serial --serial-url /dev/pts/7 \\
        --terminals 4
    python3 -m onecard_devices.simulator --transport http --url http://localhost:8069 \\
        --terminals 8

Prints what each display shows (``--show``) and, at the end, throughput and
latency percentiles; ``--report FILE`` writes every acknowledged swipe as
JSON (used by the end-to-end tests to check that nothing was lost or charged
twice).
"""
