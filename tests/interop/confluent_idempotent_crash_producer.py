#!/usr/bin/python3
"""Interop client for the broker crash test: an idempotent acks=all producer that runs across broker restarts.

    /usr/bin/python3 tests/interop/confluent_idempotent_crash_producer.py BOOTSTRAP TOPIC create PARTITIONS
    /usr/bin/python3 tests/interop/confluent_idempotent_crash_producer.py BOOTSTRAP TOPIC produce PARTITIONS COUNT SECONDS
    /usr/bin/python3 tests/interop/confluent_idempotent_crash_producer.py BOOTSTRAP TOPIC consume PARTITIONS

create:  creates TOPIC with PARTITIONS partitions (AdminClient) and waits until its metadata shows them.
produce: confluent-kafka Producer with enable.idempotence=true, acks=all, a long message.timeout.ms and
         retries; produces key k-<n>, value v-<n> (n = 0, 1, 2, ...) to partition n % PARTITIONS at a steady
         pace that would end after 80 % of SECONDS (never ahead of it: a fast broker must not receive every record
         before the test's kills and restarts happen), until COUNT records or SECONDS seconds, polling all along,
         then flushes (with a timeout).
         Every delivery report is one JSON line, printed and flushed at once:
         {"event": "ack", "key": "k-7", "partition": 1, "offset": 2} or {"event": "failed", "key": ..., "error": ...}.
         librdkafka reconnects after a broker restart and retries with the same producer id and sequences, so
         the run goes on across `kill -9` and restart of the broker. Fatal producer errors print
         {"event": "fatal", ...}.
consume: assigns every partition from the beginning and prints {"event": "record", "key": ..., "partition": ...,
         "offset": ...} for each record up to the end of every partition.
The last line is always {"event": "done", ...} (or {"event": "error", ...}). Exits 0 if the run itself worked
(a produce run exits 0 even with failed deliveries: the test judges them); 1 on error; 2 on bad usage; 3 on the
hard timeout (TRIBUTARY_INTEROP_TIMEOUT seconds, default 120).
"""
import json
import os
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
            emit(event="done", created=topic, partitions=partitions)
            return 0
        time.sleep(0.2)
    emit(event="error", error=f"topic {topic} does not show {partitions} partitions")
    return 1


def produce(bootstrap, topic, partitions, count, seconds):
    from confluent_kafka import Producer
    counts = {"ack": 0, "failed": 0}
    fatal = []

    def on_delivery(err, msg):
        key = msg.key().decode()
        if err is None:
            counts["ack"] += 1
            emit(event="ack", key=key, partition=msg.partition(), offset=msg.offset())
        else:
            counts["failed"] += 1
            emit(event="failed", key=key, partition=msg.partition(), error=str(err))

    def on_error(err):
        if err.fatal():
            fatal.append(str(err))
            emit(event="fatal", error=str(err))

    producer = Producer({
        "bootstrap.servers": bootstrap,
        "enable.idempotence": True,
        "acks": "all",
        "linger.ms": 2,
        "message.timeout.ms": 120000,
        "retries": 1000000,
        "retry.backoff.ms": 100,
        "reconnect.backoff.ms": 50,
        "reconnect.backoff.max.ms": 500,
        "queue.buffering.max.messages": 20000,
        "error_cb": on_error,
    })
    started = time.monotonic()
    emit(event="start", topic=topic, partitions=partitions, count=count, seconds=seconds)
    n = 0
    pace = count / (seconds * 0.8)
    while n < count and time.monotonic() - started < seconds and not fatal:
        if n >= (time.monotonic() - started) * pace:
            producer.poll(0.002)
            continue
        try:
            producer.produce(topic, key=f"k-{n}".encode(), value=f"v-{n}".encode(), partition=n % partitions,
                             on_delivery=on_delivery)
            n += 1
        except BufferError:
            producer.poll(0.05)
            continue
        if n % 100 == 0:
            producer.poll(0)
    remaining = producer.flush(max(5, TIMEOUT - (time.monotonic() - started) - 5))
    emit(event="done", produced=n, acked=counts["ack"], failed=counts["failed"], undelivered=remaining,
         fatal=fatal, seconds=round(time.monotonic() - started, 3))
    return 0


def consume(bootstrap, topic, partitions):
    from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition, OFFSET_BEGINNING
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": "tributary-interop-unused",  # required by librdkafka; assign() does not join the group
        "enable.auto.commit": False,
        "enable.partition.eof": True,
        "auto.offset.reset": "earliest",
    })
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
    if len(args) < 4 or args[2] not in ("create", "produce", "consume") or (args[2] == "produce") != (len(args) == 6) \
            or (args[2] != "produce" and len(args) != 4):
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
