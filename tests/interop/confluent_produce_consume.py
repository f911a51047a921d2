#!/usr/bin/python3
"""Interop client: confluent-kafka (librdkafka) idempotent producer, then an assign() consumer.

Run with Debian's Python (python3-confluent-kafka installs there, not into pyenv's python3):

    /usr/bin/python3 tests/interop/confluent_produce_consume.py BOOTSTRAP TOPIC COUNT [PARTITIONS]

Produces COUNT records with keys, values and two headers each (enable.idempotence=true, acks=all),
counting delivery reports, then assigns every partition of TOPIC from the beginning and reads all
records back, checking key, value and headers of each. Prints JSON lines ({"event": ...}); the last
one is {"event": "done", ...}. Exits 0 only if everything matched; 1 on any error; 2 on bad usage.
A hard timeout (TRIBUTARY_INTEROP_TIMEOUT seconds, default 120) makes it exit 3 rather than hang.
"""
import json
import os
import signal
import sys
import time

TIMEOUT = int(os.environ.get("TRIBUTARY_INTEROP_TIMEOUT", "120"))


def emit(**fields):
    print(json.dumps(fields, sort_keys=True), flush=True)


def on_timeout(_signum, _frame):
    emit(event="error", error="timeout", seconds=TIMEOUT)
    os._exit(3)


def expected(i):
    return (f"key-{i}".encode(), f"value-{i}-".encode() + b"x" * (i % 50),
            [("seq", str(i).encode()), ("origin", b"confluent-kafka")])


def main():
    if len(sys.argv) not in (4, 5):
        print(__doc__, file=sys.stderr)
        return 2
    bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    partitions_hint = int(sys.argv[4]) if len(sys.argv) == 5 else None
    signal.signal(signal.SIGALRM, on_timeout)
    signal.alarm(TIMEOUT)

    from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition, OFFSET_BEGINNING
    import confluent_kafka
    emit(event="start", client="confluent-kafka", version=confluent_kafka.version()[0],
         librdkafka=confluent_kafka.libversion()[0], bootstrap=bootstrap, topic=topic, count=count)

    errors = []
    delivered = 0

    def on_delivery(err, msg):
        nonlocal delivered
        if err is not None:
            errors.append(f"delivery failed: {err}")
        else:
            delivered += 1

    producer = Producer({
        "bootstrap.servers": bootstrap,
        "enable.idempotence": True,
        "acks": "all",
        "linger.ms": 5,
        "error_cb": lambda err: errors.append(f"producer error: {err}") if err.fatal() else None,
    })
    started = time.monotonic()
    for i in range(count):
        key, value, headers = expected(i)
        while True:
            try:
                producer.produce(topic, key=key, value=value, headers=headers, on_delivery=on_delivery)
                break
            except BufferError:
                producer.poll(0.1)
        producer.poll(0)
    remaining = producer.flush(TIMEOUT)
    if remaining:
        errors.append(f"{remaining} records not delivered after flush")
    emit(event="produced", delivered=delivered, seconds=round(time.monotonic() - started, 3))
    if errors or delivered != count:
        emit(event="error", errors=errors[:20], delivered=delivered, expected=count)
        return 1

    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": "tributary-interop-unused",  # required by librdkafka; assign() does not join the group
        "enable.auto.commit": False,
        "enable.partition.eof": True,
        "auto.offset.reset": "earliest",
    })
    metadata = consumer.list_topics(topic, timeout=30)
    topic_md = metadata.topics.get(topic)
    if topic_md is None or topic_md.error is not None:
        emit(event="error", error=f"topic metadata: {topic_md.error if topic_md else 'missing'}")
        return 1
    partitions = sorted(topic_md.partitions)
    if partitions_hint is not None and len(partitions) != partitions_hint:
        emit(event="error", error=f"expected {partitions_hint} partitions, metadata has {len(partitions)}")
        return 1
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
    seen = {}
    at_eof = set()
    started = time.monotonic()
    # Every record was acknowledged (acks=all) before this, so end-of-partition everywhere means all were read.
    while len(at_eof) < len(partitions):
        msg = consumer.poll(1.0)
        if msg is None:
            continue
        if msg.error():
            if msg.error().code() == KafkaError._PARTITION_EOF:
                at_eof.add(msg.partition())
                continue
            raise KafkaException(msg.error())
        at_eof.discard(msg.partition())
        key = msg.key()
        i = int(key.decode().split("-", 1)[1])
        if i in seen:
            errors.append(f"duplicate record {i} at partition {msg.partition()} offset {msg.offset()}")
            continue
        seen[i] = True
        exp_key, exp_value, exp_headers = expected(i)
        if key != exp_key or msg.value() != exp_value or list(msg.headers() or []) != exp_headers:
            errors.append(f"record {i} differs: key={key!r} value={msg.value()[:40]!r} headers={msg.headers()!r}")
    consumer.close()
    missing = count - len(seen)
    emit(event="consumed", records=len(seen), partitions=len(partitions),
         seconds=round(time.monotonic() - started, 3))
    if errors or missing:
        emit(event="error", errors=errors[:20], missing=missing)
        return 1
    emit(event="done", ok=True, produced=delivered, consumed=len(seen))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # any client error is a failure with its message, never a silent pass
        emit(event="error", error=f"{type(e).__name__}: {e}")
        sys.exit(1)
