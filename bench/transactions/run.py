#!/usr/bin/python3
"""Transactions benchmark (issue 17): transactional produce beside idempotent-only produce, and read_committed
consume beside read_uncommitted consume, with the same client (confluent-kafka / librdkafka) in the same run.

    /usr/bin/python3 bench/transactions/run.py BOOTSTRAP [--records N] [--repeat R]

Produce: RECORDS records of 100 bytes (default 300,000) to a fresh 6-partition topic, round-robin over the
partitions, acks=all. Idempotent-only: enable.idempotence=true, one flush at the end. Transactional: the same
producer settings plus transactional.id, one transaction per 1,000 records (begin, 1,000 produce calls,
commit_transaction). Each producer has the topic's metadata before its clock starts (see ready()). Consume: one
consumer assigned to all 6 partitions of the transactional topic reads all RECORDS records, once with
isolation.level=read_committed and once read_uncommitted. Each pair runs REPEAT times (default 3), alternating
which side goes first; the median of each side is reported.
Prints JSON lines {"bench","metric","value","unit","reference","reference_name","ratio","note"} as
bench/README.md describes, and one {"load": ...} line with /proc/loadavg before and after.
"""
import json
import os
import statistics
import sys
import time
import uuid

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition, OFFSET_BEGINNING
from confluent_kafka.admin import AdminClient, NewTopic

PARTITIONS = 6
PER_TRANSACTION = 1000
VALUE = b"x" * 100


def load():
    with open("/proc/loadavg") as f:
        return f.read().split()[:3]


def create(admin, topic):
    admin.create_topics([NewTopic(topic, num_partitions=PARTITIONS, replication_factor=1)])[topic].result(30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        md = admin.list_topics(topic, timeout=10).topics.get(topic)
        if md is not None and md.error is None and len(md.partitions) == PARTITIONS:
            return
        time.sleep(0.1)
    raise RuntimeError("topic did not appear")


def producer_config(bootstrap):
    return {
        "bootstrap.servers": bootstrap,
        "enable.idempotence": True,
        "acks": "all",
        "linger.ms": 5,
        "batch.num.messages": 10000,
        "queue.buffering.max.messages": 200000,
    }


def ready(p, topic):
    """Loads the topic's metadata into the producer before the clock starts, on both sides alike. Seen in librdkafka
    2.0.2's debug log: a transactional producer that first produces to a topic after init_transactions has no metadata
    for it and sends none of its records until its 1 s topic scan asks for it ("refresh unavailable topics"), so the
    first transaction took about 1,000 ms; the idempotent producer, whose first produce() comes before its broker
    connection is up, had its metadata with the connection. That client-side second (any broker alike) was about half
    of a 300-transaction run and is not what this benchmark measures."""
    if p.list_topics(topic, timeout=10).topics[topic].error is not None:
        raise RuntimeError("no metadata for " + topic)


def produce_idempotent(bootstrap, topic, records):
    p = Producer(producer_config(bootstrap))
    ready(p, topic)
    started = time.monotonic()
    for n in range(records):
        while True:
            try:
                p.produce(topic, value=VALUE, partition=n % PARTITIONS)
                break
            except BufferError:
                p.poll(0.01)
        if n % 1000 == 0:
            p.poll(0)
    if p.flush(120) != 0:
        raise RuntimeError("undelivered records")
    return records / (time.monotonic() - started)


def produce_transactional(bootstrap, topic, records):
    config = producer_config(bootstrap)
    config["transactional.id"] = "bench-" + uuid.uuid4().hex
    p = Producer(config)
    p.init_transactions(30)
    ready(p, topic)
    started = time.monotonic()
    n = 0
    while n < records:
        p.begin_transaction()
        for _ in range(PER_TRANSACTION):
            while True:
                try:
                    p.produce(topic, value=VALUE, partition=n % PARTITIONS)
                    break
                except BufferError:
                    p.poll(0.01)
            n += 1
        p.commit_transaction(60)
    return records / (time.monotonic() - started)


def consume(bootstrap, topic, records, isolation):
    c = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": "bench-unused",
        "enable.auto.commit": False,
        "isolation.level": isolation,
        "fetch.max.bytes": 52428800,
    })
    c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(PARTITIONS)])
    started = time.monotonic()
    seen = 0
    while seen < records:
        for m in c.consume(10000, 1.0):
            if m.error():
                if m.error().code() == KafkaError._PARTITION_EOF:
                    continue
                raise KafkaException(m.error())
            seen += 1
    elapsed = time.monotonic() - started
    c.close()
    return records / elapsed


def line(bench, value, reference, reference_name, note):
    print(json.dumps({"bench": bench, "metric": "throughput", "value": round(value, 1), "unit": "records/s",
                      "reference": round(reference, 1), "reference_name": reference_name,
                      "ratio": round(value / reference, 3), "note": note}), flush=True)


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    bootstrap = args[0]
    records = int(args[args.index("--records") + 1]) if "--records" in args else 300_000
    repeat = int(args[args.index("--repeat") + 1]) if "--repeat" in args else 3
    admin = AdminClient({"bootstrap.servers": bootstrap})
    before = load()
    idempotent, transactional, committed, uncommitted = [], [], [], []
    for run in range(repeat):
        plain_topic = f"bench-idem-{uuid.uuid4().hex[:8]}"
        txn_topic = f"bench-txn-{uuid.uuid4().hex[:8]}"
        create(admin, plain_topic)
        create(admin, txn_topic)
        if run % 2 == 0:
            idempotent.append(produce_idempotent(bootstrap, plain_topic, records))
            transactional.append(produce_transactional(bootstrap, txn_topic, records))
        else:
            transactional.append(produce_transactional(bootstrap, txn_topic, records))
            idempotent.append(produce_idempotent(bootstrap, plain_topic, records))
        if run % 2 == 0:
            committed.append(consume(bootstrap, txn_topic, records, "read_committed"))
            uncommitted.append(consume(bootstrap, txn_topic, records, "read_uncommitted"))
        else:
            uncommitted.append(consume(bootstrap, txn_topic, records, "read_uncommitted"))
            committed.append(consume(bootstrap, txn_topic, records, "read_committed"))
        print(json.dumps({"run": run, "idempotent": round(idempotent[-1]), "transactional": round(transactional[-1]),
                          "read_committed": round(committed[-1]), "read_uncommitted": round(uncommitted[-1])}), file=sys.stderr, flush=True)
    after = load()
    note = f"{records} records of 100 B, {PARTITIONS} partitions, acks=all, median of {repeat}"
    line("transactional_produce", statistics.median(transactional), statistics.median(idempotent), "idempotent_produce",
         note + f", {PER_TRANSACTION} records per transaction")
    line("read_committed_consume", statistics.median(committed), statistics.median(uncommitted), "read_uncommitted_consume",
         note + ", reading the transactional topic")
    print(json.dumps({"load": {"before": before, "after": after}}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
