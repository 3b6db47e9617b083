#!/usr/bin/env python3
"""Fuzz the frame codec with >= 100,000 random, truncated and corrupted frames.

    python3 -m tests.bench.fuzz_frames [--count 100000] [--seed 1]  # from the repo root

Every input must either decode or raise FrameError; any other exception is a
bug and makes the script exit 1. Also feeds everything through the stream
reader (FrameReader) in random chunk sizes. Prints frames/s.
"""

# print-used: command-line tools: what they print is their result
# pylint: disable=print-used

import argparse
import random
import sys
import time
import traceback

from onecard_devices.lib import frame as fr
from onecard_devices.lib import messages as M
from tests.unit.test_messages import SAMPLES


def check(data, stats):
    try:
        frame = fr.decode(data)
        stats["valid"] += 1
        M.decode_message(frame.type, frame.payload)
    except fr.FrameError:
        stats["rejected"] += 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    valid = [
        fr.encode(
            t,
            M.encode_message(t, b),
            address=rng.randrange(256),
            seq=rng.randrange(1 << 32),
            key="k" if rng.random() < 0.5 else None,
        )
        for t, b in SAMPLES
    ]
    stats = {"valid": 0, "rejected": 0}
    reader = fr.FrameReader()
    started = time.perf_counter()
    failures = 0
    for i in range(args.count):
        kind = i % 4
        base = rng.choice(valid)
        if kind == 0:  # random bytes
            data = bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 80)))
        elif kind == 1:  # random bytes behind a magic and a plausible length
            body = bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 80)))
            data = fr.MAGIC + len(body).to_bytes(2, "big") + body
        elif kind == 2:  # truncated valid frame
            data = base[: rng.randrange(len(base))]
        else:  # valid frame with random bytes flipped (CRC fixed half of the time)
            data = bytearray(base)
            for _ in range(rng.randrange(1, 4)):
                data[rng.randrange(len(data))] = rng.getrandbits(8)
            if rng.random() < 0.5:
                crc = fr.crc16_modbus(data[2:-2])
                data[-2:] = bytes((crc & 0xFF, crc >> 8))
            data = bytes(data)
        try:
            check(data, stats)
            pos = 0
            while pos < len(data):
                step = rng.randrange(1, 17)
                reader.feed(data[pos : pos + step])
                pos += step
        except Exception:  # noqa: BLE001 - that is the bug we hunt
            failures += 1
            if failures <= 5:
                print(f"NON-FrameError on {data.hex()}:", file=sys.stderr)
                traceback.print_exc()
    elapsed = time.perf_counter() - started
    print(
        "%d inputs in %.1fs (%.0f/s): %d valid frames, %d inputs rejected cleanly "
        "(frame or payload), %d other exceptions; "
        "stream reader resynchronised %d times"
        % (
            args.count,
            elapsed,
            args.count / elapsed,
            stats["valid"],
            stats["rejected"],
            failures,
            reader.errors,
        )
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
