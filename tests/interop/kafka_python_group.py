#!/usr/bin/python3
"""Interop client: kafka-python (Debian's python3-kafka 2.0.2) as a consumer-group member.

    /usr/bin/python3 tests/interop/kafka_python_group.py BOOTSTRAP TOPIC GROUP COUNT

Produces COUNT records, then a KafkaConsumer in GROUP subscribes to TOPIC (JoinGroup v2, SyncGroup v1,
Heartbeat v1, OffsetFetch v1, OffsetCommit v2 — kafka-python's fixed versions), reads all COUNT records,
commits synchronously and closes (LeaveGroup v1). A second consumer in the same group then must find the
committed offsets (committed() equals the end offsets) and read nothing more.

Prints JSON lines; the last is {"event": "done"}. Exit 0 on success, 1 on any error, 2 on bad usage, 3 on the
hard timeout (TRIBUTARY_INTEROP_TIMEOUT, default 120 s).
"""
import json
import logging
import os
import signal
import sys
import time

TIMEOUT = int(os.environ.get("TRIBUTARY_INTEROP_TIMEOUT", "120"))


def emit(**fields):
    print(json.dumps(fields, sort_keys=True, default=str), flush=True)


def on_timeout(_signum, _frame):
    emit(event="error", error="timeout", seconds=TIMEOUT)
    os._exit(3)


def main():
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    bootstrap, topic, group, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    signal.signal(signal.SIGALRM, on_timeout)
    signal.alarm(TIMEOUT)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition
    common = {"bootstrap_servers": bootstrap, "request_timeout_ms": 30000}

    producer = KafkaProducer(acks="all", linger_ms=5, **common)
    for i in range(count):
        producer.send(topic, key=str(i).encode(), value=f"value-{i}".encode())
    producer.flush(timeout=60)
    producer.close(timeout=10)
    emit(event="produced", count=count)

    def consumer():
        return KafkaConsumer(group_id=group, enable_auto_commit=False, auto_offset_reset="earliest",
                             session_timeout_ms=10000, heartbeat_interval_ms=1000, consumer_timeout_ms=5000, **common)

    first = consumer()
    first.subscribe([topic])
    seen = set()
    started = time.monotonic()
    while len(seen) < count and time.monotonic() - started < TIMEOUT - 20:
        for records in first.poll(timeout_ms=1000).values():
            for record in records:
                seen.add(int(record.key.decode()))
    assignment = sorted(tp.partition for tp in first.assignment())
    first.commit()
    first.close()
    emit(event="consumed", records=len(seen), assignment=assignment)
    if len(seen) != count:
        emit(event="error", error=f"{count - len(seen)} records missing")
        return 1

    second = consumer()
    partitions = [TopicPartition(topic, p) for p in sorted(second.partitions_for_topic(topic))]
    committed = {tp.partition: second.committed(tp) for tp in partitions}
    end = {tp.partition: o for tp, o in second.end_offsets(partitions).items()}
    second.subscribe([topic])
    again = sum(len(r) for _ in range(3) for r in second.poll(timeout_ms=1000).values())
    second.close()
    emit(event="resumed", committed=committed, end=end, records_after_commit=again)
    if committed != end or again != 0:
        emit(event="error", error="committed offsets were not honoured")
        return 1
    emit(event="done", ok=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # noqa: BLE001
        emit(event="error", error=f"{type(e).__name__}: {e}")
        sys.exit(1)
