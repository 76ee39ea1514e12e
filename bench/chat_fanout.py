"""Chat fan-out: N clients in one room, one sender; delivery latency p50/p99 and deliveries/s,
on one gunicorn process and on two processes sharing Redis. Loopback only, bounded in time.

    .venv/bin/python bench/chat_fanout.py                       # N = 100, 500, 1000; both set-ups
    .venv/bin/python bench/chat_fanout.py --clients 100 --messages 10 --only one

The servers are `gunicorn -k gevent -w 1 --no-control-socket wsgi:app` (tests/chat_servers.py),
the database a fresh SQLite file for one process and PostgreSQL (`BENCH_PG_URL`, default
postgresql+psycopg://postgres@127.0.0.1:5432/test_chat, whose sibling test_chat_bench is
emptied and used) for two, Redis `BENCH_REDIS_URL`
(default redis://127.0.0.1:6379/7). The clients are python-socketio's client over websockets,
run as gevent greenlets in this one process, all signed in with one reader's bearer token and
joined to the reader's direct-message room with the sender (each socket of the reader is in the
room's fan-out, as each member of a board's room would be). Half the clients connect to each
process in the two-process run; the sender always talks to the first. Latency is from just
before `send` to the receiving callback, on one clock.
"""
from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
import socketio  # noqa: E402
from gevent.pool import Pool  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.chat_servers import Server, fresh_pg_database, server_env, setup_people  # noqa: E402

DEADLINE = 180  # seconds per configuration, connecting included


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


def run(n, messages, processes, tmp):
    if processes == 1:
        env = server_env(tmp, f"sqlite:///{tmp / 'bench.db'}", CHAT_RATE_LIMIT=10**6)
    else:
        pg = fresh_pg_database(os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test_chat"),
                               suffix="_bench")
        env = server_env(tmp, pg, os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"), CHAT_RATE_LIMIT=10**6)
    people = setup_people(env, "bench_sender", "bench_reader")
    sender_info, reader_info = people["bench_sender"], people["bench_reader"]
    servers = [Server(env) for _ in range(processes)]
    started = time.monotonic()
    latencies, sent_at, clients = [], {}, []
    try:
        def connect(i):
            client = socketio.Client(reconnection=False)

            @client.on("message")
            def on_message(data):
                t = sent_at.get(data["text"])
                if t is not None:
                    latencies.append(time.perf_counter() - t)

            client.connect(servers[i % processes].url, auth={"token": reader_info["token"]},
                           transports=["websocket"], wait_timeout=30)
            clients.append(client)

        pool = Pool(50)
        for i in range(n):
            pool.spawn(connect, i)
        pool.join(timeout=DEADLINE)
        connected = len(clients)
        connect_s = time.monotonic() - started
        sender = socketio.Client(reconnection=False)
        sender.connect(servers[0].url, auth={"token": sender_info["token"]}, transports=["websocket"], wait_timeout=30)
        room = f"dm:{reader_info['id']}"
        sender.call("join", {"room": room}, timeout=30)
        t0 = time.perf_counter()
        for k in range(messages):
            text = f"fanout {k}"
            sent_at[text] = time.perf_counter()
            ack = sender.call("send", {"room": room, "text": text}, timeout=30)
            assert "error" not in ack, ack
            gevent.sleep(0.05)
        expected = connected * messages
        while len(latencies) < expected and time.monotonic() - started < DEADLINE:
            gevent.sleep(0.05)
        elapsed = time.perf_counter() - t0
        sender.disconnect()
        return {"n": n, "processes": processes, "connected": connected, "connect_s": connect_s,
                "delivered": len(latencies), "expected": expected,
                "p50_ms": percentile(latencies, 50) * 1000, "p99_ms": percentile(latencies, 99) * 1000,
                "per_s": len(latencies) / elapsed if elapsed else 0}
    finally:
        for client in clients:
            gevent.spawn(client.disconnect)
        gevent.sleep(0.5)
        for server in servers:
            server.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, nargs="*", default=[100, 500, 1000])
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--only", choices=["one", "two"])
    args = parser.parse_args()
    rows = []
    for processes in ([1] if args.only == "one" else [2] if args.only == "two" else [1, 2]):
        for n in args.clients:
            with tempfile.TemporaryDirectory() as tmp:
                row = run(n, args.messages, processes, Path(tmp))
            rows.append(row)
            print(row, flush=True)
    print("\n| set-up | clients | delivered | p50 | p99 | deliveries/s | connecting |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        setup = "1 process" if r["processes"] == 1 else "2 processes + Redis"
        print(f"| {setup} | {r['connected']}/{r['n']} | {r['delivered']}/{r['expected']} | {r['p50_ms']:.0f} ms "
              f"| {r['p99_ms']:.0f} ms | {r['per_s']:.0f} | {r['connect_s']:.1f} s |")


if __name__ == "__main__":
    main()
