#!/usr/bin/python3
"""Where a transaction's time goes (issue 17), seen from the client: one librdkafka transactional producer with the
benchmark's settings (bench/transactions/run.py) runs TRANSACTIONS transactions of 1,000 records of 100 B over 6
partitions, with librdkafka's eos/protocol debug log captured, and prints the round-trip times librdkafka measured
per request type, the time of the produce loop and of commit_transaction, and how often the coordinator answered
CONCURRENT_TRANSACTIONS (each one costs the client a retry back-off).

    /usr/bin/python3 bench/transactions/breakdown.py BOOTSTRAP [--transactions N]

Prints JSON lines {"phase","count","p50_ms","p90_ms","max_ms"} and one {"load": ...} line. The debug log adds a
little client CPU, so absolute figures are slightly above the benchmark's; the round trips are librdkafka's own
(request sent to response received).
"""
import json
import logging
import re
import statistics
import sys
import time
import uuid

from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import run  # noqa: E402  (same topic creation and producer settings as the benchmark)

RTT = re.compile(r"Received (\w+)Response \(v\d+, \d+ bytes, CorrId \d+, rtt ([0-9.]+)ms\)")


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.rtts = {}
        self.concurrent = 0

    def emit(self, record):
        message = record.getMessage()
        match = RTT.search(message)
        if match:
            self.rtts.setdefault(match.group(1), []).append(float(match.group(2)))
        if "CONCURRENT_TRANSACTIONS" in message:
            self.concurrent += 1


def summary(phase, values):
    ordered = sorted(values)
    return {"phase": phase, "count": len(ordered), "p50_ms": round(statistics.median(ordered), 2),
            "p90_ms": round(ordered[int(len(ordered) * 0.9)], 2), "max_ms": round(ordered[-1], 2)}


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    bootstrap = args[0]
    transactions = int(args[args.index("--transactions") + 1]) if "--transactions" in args else 100
    topic = f"bench-breakdown-{uuid.uuid4().hex[:8]}"
    run.create(AdminClient({"bootstrap.servers": bootstrap}), topic)
    collect = Collect()
    logger = logging.getLogger("librdkafka")
    logger.addHandler(collect)
    logger.setLevel(logging.DEBUG)
    config = run.producer_config(bootstrap)
    config["transactional.id"] = "breakdown-" + uuid.uuid4().hex
    config["debug"] = "eos,protocol"
    before = run.load()
    p = Producer(config, logger=logger)
    p.init_transactions(30)
    run.ready(p, topic)
    loops, commits = [], []
    for _ in range(transactions):
        started = time.perf_counter()
        p.begin_transaction()
        for n in range(run.PER_TRANSACTION):
            p.produce(topic, value=run.VALUE, partition=n % run.PARTITIONS)
        produced = time.perf_counter()
        p.commit_transaction(60)
        committed = time.perf_counter()
        loops.append((produced - started) * 1e3)
        commits.append((committed - produced) * 1e3)
    p.poll(0)
    lines = [summary("produce_loop", loops), summary("commit_transaction", commits),
             summary("transaction_total", [a + b for a, b in zip(loops, commits)])]
    for request in ("AddPartitionsToTxn", "Produce", "EndTxn"):
        lines.append(summary(request + "_rtt", collect.rtts.get(request, [0.0])))
    for line in lines:
        print(json.dumps(line), flush=True)
    print(json.dumps({"concurrent_transactions_answers": collect.concurrent}), flush=True)
    print(json.dumps({"load": {"before": before, "after": run.load()}}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
