#!/usr/bin/python3
"""Interop client for transactions: confluent-kafka (librdkafka) transactional producers and read_committed consumers.

    /usr/bin/python3 tests/interop/confluent_transactions.py BOOTSTRAP commit-abort TOPIC
    /usr/bin/python3 tests/interop/confluent_transactions.py BOOTSTRAP transform INPUT OUTPUT GROUP
    /usr/bin/python3 tests/interop/confluent_transactions.py BOOTSTRAP fence TOPIC

commit-abort: creates TOPIC (3 partitions); one transactional producer commits 30 records c1-<n>, aborts 30
              records a-<n>, commits 30 records c2-<n> (to partition n % 3). Then reads TOPIC to its end twice,
              read_committed and read_uncommitted, and prints {"event": "read", "isolation": ..., "keys": [...]},
              then the read_committed end offsets (ListOffsets with isolation) as {"event": "watermarks", ...}.
transform:    creates INPUT and OUTPUT (2 partitions each), writes 40 plain records in-<n> to INPUT, then a
              consume-transform-produce loop with GROUP: per 10 consumed records one transaction producing
              out-<n> to OUTPUT and send_offsets_to_transaction; the second transaction is aborted (and its input
              re-read from the committed offsets). Prints the read_committed keys of OUTPUT and the group's committed
              offsets ({"event": "committed", "offsets": {"INPUT-p": offset}}).
fence:        producer A (transactional.id X) begins a transaction and writes 10 records old-<n> (flushed, not
              committed); producer B with the same id calls init_transactions (which aborts A's transaction and
              fences A), commits 5 records new-<n>; A then tries to commit and prints its error
              ({"event": "fenced", "code": name, "fatal": bool}). Finally the read_committed keys of TOPIC.
The last line is always {"event": "done"} (or {"event": "error", ...}). Exit 0 when the run itself worked, 1 on
error, 2 on bad usage, 3 on the hard timeout (TRIBUTARY_INTEROP_TIMEOUT seconds, default 120).
"""
import json
import os
import signal
import sys
import time
import uuid

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
            return
        time.sleep(0.2)
    raise RuntimeError(f"topic {topic} does not show {partitions} partitions")


def producer(bootstrap, transactional_id):
    from confluent_kafka import Producer
    return Producer({
        "bootstrap.servers": bootstrap,
        "transactional.id": transactional_id,
        "transaction.timeout.ms": 60000,
        "linger.ms": 5,
    })


def read_all(bootstrap, topic, partitions, isolation):
    """Every record of TOPIC up to the end of each partition (for read_committed: up to the last stable offset)."""
    from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition, OFFSET_BEGINNING
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": "tributary-interop-unused",
        "enable.auto.commit": False,
        "enable.partition.eof": True,
        "isolation.level": isolation,
    })
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(partitions)])
    at_eof = set()
    keys = []
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
        keys.append(msg.key().decode())
    consumer.close()
    return keys


def commit_abort(bootstrap, topic):
    create(bootstrap, topic, 3)
    p = producer(bootstrap, "txn-" + uuid.uuid4().hex)
    p.init_transactions(30)
    for prefix, commit in (("c1", True), ("a", False), ("c2", True)):
        p.begin_transaction()
        for n in range(30):
            p.produce(topic, key=f"{prefix}-{n}".encode(), value=b"v", partition=n % 3)
        if commit:
            p.commit_transaction(30)
        else:
            p.flush(30)
            p.abort_transaction(30)
    for isolation in ("read_committed", "read_uncommitted"):
        emit(event="read", isolation=isolation, keys=read_all(bootstrap, topic, 3, isolation))
    from confluent_kafka import Consumer, TopicPartition
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "tributary-interop-unused", "isolation.level": "read_committed"})
    marks = {}
    for part in range(3):
        low, high = consumer.get_watermark_offsets(TopicPartition(topic, part), timeout=10)
        marks[str(part)] = [low, high]
    consumer.close()
    emit(event="watermarks", offsets=marks)


def transform(bootstrap, source, target, group):
    from confluent_kafka import Consumer, Producer, TopicPartition, KafkaError, KafkaException
    create(bootstrap, source, 2)
    create(bootstrap, target, 2)
    plain = Producer({"bootstrap.servers": bootstrap, "acks": "all"})
    for n in range(40):
        plain.produce(source, key=f"in-{n}".encode(), value=str(n).encode(), partition=n % 2)
    plain.flush(30)
    p = producer(bootstrap, "ctp-" + uuid.uuid4().hex)
    p.init_transactions(30)
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": group,
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
        "isolation.level": "read_committed",
    })
    consumer.subscribe([source])
    transactions = 0
    consumed = 0
    aborted_once = False
    deadline = time.monotonic() + TIMEOUT - 20
    while consumed < 40 and time.monotonic() < deadline:
        msgs = consumer.consume(10, 2.0)
        msgs = [m for m in msgs if not m.error()]
        if not msgs:
            continue
        p.begin_transaction()
        for m in msgs:
            p.produce(target, key=m.key().decode().replace("in-", "out-").encode(), value=m.value(), partition=m.partition())
        p.send_offsets_to_transaction(consumer.position(consumer.assignment()), consumer.consumer_group_metadata(), 30)
        transactions += 1
        if transactions == 2 and not aborted_once:
            aborted_once = True
            p.abort_transaction(30)
            # Rewind to the committed offsets: the aborted batch is consumed again.
            committed = consumer.committed(consumer.assignment(), 10)
            for tp in committed:
                consumer.seek(TopicPartition(tp.topic, tp.partition, tp.offset if tp.offset >= 0 else 0))
            continue
        p.commit_transaction(30)
        consumed += len(msgs)
    emit(event="transactions", count=transactions, consumed=consumed)
    committed = consumer.committed([TopicPartition(source, 0), TopicPartition(source, 1)], 10)
    emit(event="committed", offsets={f"{tp.topic}-{tp.partition}": tp.offset for tp in committed})
    consumer.close()
    emit(event="read", isolation="read_committed", keys=read_all(bootstrap, target, 2, "read_committed"))


def fence(bootstrap, topic):
    from confluent_kafka import KafkaException
    create(bootstrap, topic, 1)
    transactional_id = "fence-" + uuid.uuid4().hex
    a = producer(bootstrap, transactional_id)
    a.init_transactions(30)
    a.begin_transaction()
    for n in range(10):
        a.produce(topic, key=f"old-{n}".encode(), value=b"v")
    a.flush(30)
    b = producer(bootstrap, transactional_id)
    b.init_transactions(60)
    b.begin_transaction()
    for n in range(5):
        b.produce(topic, key=f"new-{n}".encode(), value=b"v")
    b.commit_transaction(30)
    try:
        a.commit_transaction(30)
        emit(event="fenced", code="none", fatal=False)
    except KafkaException as e:
        err = e.args[0]
        emit(event="fenced", code=err.name(), fatal=err.fatal())
    emit(event="read", isolation="read_committed", keys=read_all(bootstrap, topic, 1, "read_committed"))


def main():
    args = sys.argv[1:]
    modes = {"commit-abort": 3, "transform": 5, "fence": 3}
    if len(args) < 2 or modes.get(args[1]) != len(args):
        print(__doc__, file=sys.stderr)
        return 2
    signal.signal(signal.SIGALRM, on_timeout)
    signal.alarm(TIMEOUT)
    bootstrap, mode = args[0], args[1]
    if mode == "commit-abort":
        commit_abort(bootstrap, args[2])
    elif mode == "transform":
        transform(bootstrap, args[2], args[3], args[4])
    else:
        fence(bootstrap, args[2])
    emit(event="done")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # any client error is a failure with its message, never a silent pass
        emit(event="error", error=f"{type(e).__name__}: {e}")
        sys.exit(1)
