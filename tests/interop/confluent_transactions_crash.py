#!/usr/bin/python3
"""Interop client for the transactional crash checker (Jepsen-style): transactional producers across broker kill -9.

    /usr/bin/python3 tests/interop/confluent_transactions_crash.py BOOTSTRAP TOPIC create PARTITIONS
    /usr/bin/python3 tests/interop/confluent_transactions_crash.py BOOTSTRAP TOPIC produce PARTITIONS WORKER SECONDS
    /usr/bin/python3 tests/interop/confluent_transactions_crash.py BOOTSTRAP TOPIC consume PARTITIONS

create:  creates TOPIC with PARTITIONS partitions and waits until its metadata shows them.
produce: transactional producer "crash-WORKER-<run>" (transaction.timeout.ms 10000). Transaction n is named
         wWORKER-tn; it writes 2 records wWORKER-tn-pP-rR to every partition P, then commits (70%, decided by a
         seeded random generator) or aborts. Each transaction ends with one JSON line
         {"event": "txn", "txn": "w1-t5", "outcome": "committed" | "aborted" | "unknown"}: "unknown" when a commit
         was attempted and failed (it may or may not have happened); an abort or a failure before the commit was
         attempted is "aborted" (the coordinator commits only on EndTxn(commit)). After any failure the producer is
         closed and a new one with the same transactional.id initialises (fencing the old one, aborting its open
         transaction), retrying while the broker is down. Runs until SECONDS have passed.
consume: waits (up to 40 s) until no transaction is open (read_committed and read_uncommitted end offsets agree),
         reads every partition from the beginning with isolation.level=read_committed to its end and prints
         {"event": "record", "key": ..., "partition": ..., "offset": ...} per record.
The last line is always {"event": "done", ...} (or {"event": "error", ...}). Exit 0 when the run itself worked, 1 on
error, 2 on bad usage, 3 on the hard timeout (TRIBUTARY_INTEROP_TIMEOUT seconds, default 120).
"""
import json
import os
import random
import signal
import sys
import time

TIMEOUT = int(os.environ.get("TRIBUTARY_INTEROP_TIMEOUT", "120"))


def emit(**fields):
    sys.stdout.write(json.dumps(fields, sort_keys=True, default=str) + "\n")
    sys.stdout.flush()


def on_timeout(_signum, _frame):
    emit(event="error", error="timeout", seconds=TIMEOUT)
    os._exit(3)


def create(bootstrap, topic, partitions):
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)])[topic].result(30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        md = admin.list_topics(topic, timeout=10).topics.get(topic)
        if md is not None and md.error is None and len(md.partitions) == partitions:
            emit(event="done", created=topic)
            return 0
        time.sleep(0.2)
    emit(event="error", error=f"topic {topic} does not show {partitions} partitions")
    return 1


def new_producer(bootstrap, transactional_id, deadline):
    """A producer whose init_transactions succeeded, retrying (with fresh instances) while the broker is down."""
    from confluent_kafka import Producer, KafkaException
    while time.monotonic() < deadline:
        producer = Producer({
            "bootstrap.servers": bootstrap,
            "transactional.id": transactional_id,
            "transaction.timeout.ms": 10000,
            "linger.ms": 2,
            "reconnect.backoff.ms": 50,
            "reconnect.backoff.max.ms": 500,
        })
        try:
            producer.init_transactions(10)
            return producer
        except KafkaException as e:
            emit(event="init-failed", error=str(e.args[0]))
            time.sleep(0.3)
    return None


def produce(bootstrap, topic, partitions, worker, seconds):
    from confluent_kafka import KafkaException
    rng = random.Random(worker)
    started = time.monotonic()
    deadline = started + seconds
    transactional_id = f"crash-{worker}-{int(time.time() * 1000)}"
    producer = new_producer(bootstrap, transactional_id, deadline + 20)
    counts = {"committed": 0, "aborted": 0, "unknown": 0}
    n = 0
    while producer is not None and time.monotonic() < deadline:
        txn = f"w{worker}-t{n}"
        n += 1
        commit = rng.random() < 0.7
        commit_attempted = False
        outcome = None
        try:
            producer.begin_transaction()
            for part in range(partitions):
                for r in range(2):
                    producer.produce(topic, key=f"{txn}-p{part}-r{r}".encode(), value=b"x", partition=part)
            if commit:
                commit_attempted = True
                for attempt in range(5):
                    try:
                        producer.commit_transaction(15)
                        outcome = "committed"
                        break
                    except KafkaException as e:
                        if not e.args[0].retriable() or attempt == 4:
                            raise
            else:
                producer.abort_transaction(15)
                outcome = "aborted"
        except KafkaException as e:
            outcome = "unknown" if commit_attempted else "aborted"
            emit(event="txn-error", txn=txn, error=str(e.args[0]))
            # Start over with a new instance: its init_transactions fences this one and aborts what it left open.
            producer = new_producer(bootstrap, transactional_id, deadline + 20)
        counts[outcome] += 1
        emit(event="txn", txn=txn, outcome=outcome)
    emit(event="done", transactions=n, seconds=round(time.monotonic() - started, 3), **counts)
    return 0


def consume(bootstrap, topic, partitions):
    from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition, OFFSET_BEGINNING
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": "tributary-interop-unused",
        "enable.auto.commit": False,
        "enable.partition.eof": True,
        "isolation.level": "read_committed",
    })
    # First wait (bounded) until no transaction is open: the read_committed end (the last stable offset) has caught
    # up with the read_uncommitted end (the high watermark) on every partition.
    plain = Consumer({"bootstrap.servers": bootstrap, "group.id": "tributary-interop-unused", "isolation.level": "read_uncommitted"})
    deadline = time.monotonic() + 40
    while True:
        stable = [consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in range(partitions)]
        ends = [plain.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in range(partitions)]
        if stable == ends:
            break
        if time.monotonic() > deadline:
            emit(event="open-transactions", stable=stable, ends=ends)
            break
        time.sleep(0.5)
    plain.close()
    emit(event="ends", stable=stable, ends=ends)
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(partitions)])
    at_eof = set()
    records = 0
    while len(at_eof) < partitions:
        msg = consumer.poll(1.0)
        if msg is None:
            continue
        if msg.error():
            if msg.error().code() == KafkaError._PARTITION_EOF:
                at_eof.add(msg.partition())
                continue
            raise KafkaException(msg.error())
        at_eof.discard(msg.partition())
        records += 1
        emit(event="record", key=msg.key().decode(), partition=msg.partition(), offset=msg.offset())
    consumer.close()
    emit(event="done", records=records)
    return 0


def main():
    args = sys.argv[1:]
    shapes = {"create": 4, "produce": 6, "consume": 4}
    if len(args) < 3 or shapes.get(args[2]) != len(args):
        print(__doc__, file=sys.stderr)
        return 2
    signal.signal(signal.SIGALRM, on_timeout)
    signal.alarm(TIMEOUT)
    bootstrap, topic, mode, partitions = args[0], args[1], args[2], int(args[3])
    if mode == "create":
        return create(bootstrap, topic, partitions)
    if mode == "produce":
        return produce(bootstrap, topic, partitions, int(args[4]), float(args[5]))
    return consume(bootstrap, topic, partitions)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # any client error is a failure with its message, never a silent pass
        emit(event="error", error=f"{type(e).__name__}: {e}")
        sys.exit(1)
