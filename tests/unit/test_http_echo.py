"""The simulator's HTTP terminal matches a swipe answer to its request by the echoed
seq: an answer to another seq (a middlebox resent bytes, the connection is out of
step) is dropped with the connection and the request sent again on a new one.
A real loopback HTTP/1.1 server; no Odoo."""

import asyncio
import json
import types

from onecard_devices.lib import messages as M
from onecard_devices.simulator.clients import HttpClient


def run_server(answers):
    """Serve one JSON answer per request from ``answers`` (seq values, in order);
    record (connection number, seq sent) per request."""
    seen, connections = [], []

    async def handle(reader, writer):
        connections.append(writer)
        number = len(connections)
        while answers:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                break
            length = next(
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            )
            body = json.loads(await reader.readexactly(length))
            seen.append((number, body["seq"]))
            data = json.dumps(
                {"approved": True, "code": "ok", "message": "", "seq": answers.pop(0)}
            ).encode()
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (len(data), data)
            )
            await writer.drain()
        writer.close()

    return handle, seen


async def swipe_through(answers):
    handle, seen = run_server(answers)
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    terminal = types.SimpleNamespace(
        serial="T1", secret="s", stats=types.SimpleNamespace(busy=0, retransmits=0)
    )
    client = HttpClient(f"http://127.0.0.1:{port}", terminal, timeout=2, max_wait=5)
    try:
        answer = await client.call(M.SWIPE, {"uid": "04A1B2C3", "seq": 8})
    finally:
        await client.close()
        server.close()
        await server.wait_closed()
    return answer, seen, terminal.stats


def test_answer_to_another_seq_is_dropped_and_asked_again():
    answer, seen, stats = asyncio.run(swipe_through([7, 8]))
    assert answer["seq"] == 8
    # sent twice, the second time on a new connection
    assert seen == [(1, 8), (2, 8)]
    assert stats.retransmits == 1


def test_matching_answer_is_taken():
    answer, seen, stats = asyncio.run(swipe_through([8]))
    assert (answer["seq"], seen, stats.retransmits) == (8, [(1, 8)], 0)
