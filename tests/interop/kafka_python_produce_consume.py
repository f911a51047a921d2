#!/usr/bin/python3
"""Interop client: kafka-python (pure Python; Debian's python3-kafka 2.0.2).

    /usr/bin/python3 tests/interop/kafka_python_produce_consume.py BOOTSTRAP TOPIC COUNT [API_VERSION]

Produces COUNT keyed records (with a header each), waits for every send's acknowledgement, then
assigns every partition of TOPIC (no consumer group: group_id=None) with
auto_offset_reset='earliest' and reads all records back, checking key, value and header.

kafka-python 2.0.2 guesses the broker version by probing (ApiVersions, then older requests) unless
API_VERSION is given (e.g. "2.5.0"); either way it uses fixed old request versions (Metadata v0/v1,
Produce up to v7, Fetch up to v4, ListOffsets v0/v1). The version it settled on is printed.

Prints JSON lines ({"event": ...}); the last is {"event": "done"}. Exits 0 only if everything
matched; 1 on any error; 2 on bad usage; 3 on the hard timeout (TRIBUTARY_INTEROP_TIMEOUT, default 120 s).
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


def expected(i):
    return f"key-{i}".encode(), f"value-{i}".encode(), [("seq", str(i).encode())]


def main():
    if len(sys.argv) not in (4, 5):
        print(__doc__, file=sys.stderr)
        return 2
    bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    common = {"bootstrap_servers": bootstrap, "request_timeout_ms": 30000}
    if len(sys.argv) == 5:
        common["api_version"] = tuple(int(p) for p in sys.argv[4].split("."))
    signal.signal(signal.SIGALRM, on_timeout)
    signal.alarm(TIMEOUT)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

    import kafka
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition
    emit(event="start", client="kafka-python", version=kafka.__version__, bootstrap=bootstrap, topic=topic, count=count)

    producer = KafkaProducer(acks="all", linger_ms=5, retries=3, **common)
    emit(event="api_version", producer=".".join(map(str, producer.config["api_version"])))
    started = time.monotonic()
    futures = []
    for i in range(count):
        key, value, headers = expected(i)
        futures.append(producer.send(topic, key=key, value=value, headers=headers))
    producer.flush(timeout=TIMEOUT)
    partitions_written = set()
    for future in futures:
        metadata = future.get(timeout=30)  # raises the broker's error, if any
        partitions_written.add(metadata.partition)
    producer.close(timeout=10)
    emit(event="produced", acknowledged=len(futures), partitions=sorted(partitions_written),
         seconds=round(time.monotonic() - started, 3))

    consumer = KafkaConsumer(group_id=None, enable_auto_commit=False, auto_offset_reset="earliest",
                             consumer_timeout_ms=10000, **common)
    partitions = consumer.partitions_for_topic(topic)
    if not partitions:
        raise RuntimeError(f"no partitions for {topic} in metadata")
    assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
    consumer.assign(assigned)
    consumer.seek_to_beginning()
    end = consumer.end_offsets(assigned)
    emit(event="end_offsets", offsets={tp.partition: o for tp, o in end.items()})
    seen = set()
    errors = []
    started = time.monotonic()
    # Read until every partition's position reaches the end offset taken after all acks.
    while any(consumer.position(tp) < end[tp] for tp in assigned):
        for records in consumer.poll(timeout_ms=1000).values():
            for record in records:
                i = int(record.key.decode().split("-", 1)[1])
                if i in seen:
                    errors.append(f"duplicate {i} at {record.partition}/{record.offset}")
                seen.add(i)
                exp_key, exp_value, exp_headers = expected(i)
                if record.key != exp_key or record.value != exp_value or list(record.headers) != exp_headers:
                    errors.append(f"record {i} differs: {record.key!r} {record.value!r} {record.headers!r}")
    consumer.close()
    emit(event="consumed", records=len(seen), seconds=round(time.monotonic() - started, 3))
    if errors or len(seen) != count:
        emit(event="error", errors=errors[:20], missing=count - len(seen))
        return 1
    emit(event="done", ok=True, produced=count, consumed=len(seen))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:
        emit(event="error", error=f"{type(e).__name__}: {e}")
        sys.exit(1)
