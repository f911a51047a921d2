#!/usr/bin/python3
"""Interop client: confluent-kafka AdminClient round trip.

    /usr/bin/python3 tests/interop/confluent_admin.py BOOTSTRAP TOPIC PARTITIONS [MORE_PARTITIONS]

Creates TOPIC with PARTITIONS partitions (replication factor 1), checks metadata, describes its
configs, alters retention.ms (then describes again to see the new value), grows it to
MORE_PARTITIONS (default PARTITIONS + 2) partitions, checks metadata again, deletes the topic and
checks it is gone. Then creates TOPIC-zstd with compression.type=zstd, sees it described, produces 200
uncompressed messages to it with a Producer and reads them back (the broker stores them zstd-compressed, so
librdkafka decompresses what the broker wrote), and deletes it. Prints one JSON line per step ({"event": ...}); the last is {"event": "done"}.
Exits 0 only if every step succeeded; 1 on any error; 2 on bad usage; 3 on the hard timeout
(TRIBUTARY_INTEROP_TIMEOUT seconds, default 120).
"""
import json
import os
import signal
import sys
import time

TIMEOUT = int(os.environ.get("TRIBUTARY_INTEROP_TIMEOUT", "120"))
STEP = 30  # seconds each admin request may take


def emit(**fields):
    print(json.dumps(fields, sort_keys=True, default=str), flush=True)


def on_timeout(_signum, _frame):
    emit(event="error", error="timeout", seconds=TIMEOUT)
    os._exit(3)


def wait_for(predicate, what, seconds=STEP):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise RuntimeError(f"timed out waiting for {what}")


def main():
    if len(sys.argv) not in (4, 5):
        print(__doc__, file=sys.stderr)
        return 2
    bootstrap, topic, partitions = sys.argv[1], sys.argv[2], int(sys.argv[3])
    more = int(sys.argv[4]) if len(sys.argv) == 5 else partitions + 2
    signal.signal(signal.SIGALRM, on_timeout)
    signal.alarm(TIMEOUT)

    import confluent_kafka
    from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions, NewTopic
    emit(event="start", client="confluent-kafka admin", version=confluent_kafka.version()[0],
         librdkafka=confluent_kafka.libversion()[0], bootstrap=bootstrap, topic=topic)
    admin = AdminClient({"bootstrap.servers": bootstrap})

    def partition_count():
        md = admin.list_topics(topic, timeout=STEP).topics.get(topic)
        return None if md is None or md.error is not None else len(md.partitions)

    # create_topics / create_partitions / delete_topics return {topic: future}; result() raises on error.
    for name, future in admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)],
                                            request_timeout=STEP).items():
        future.result(timeout=STEP)
        emit(event="created", topic=name, partitions=partitions)
    wait_for(lambda: partition_count() == partitions, f"{partitions} partitions in metadata")
    emit(event="metadata", topic=topic, partitions=partition_count())

    resource = ConfigResource(ConfigResource.Type.TOPIC, topic)

    def describe():
        (configs,) = [f.result(timeout=STEP) for f in admin.describe_configs([resource], request_timeout=STEP).values()]
        return {name: entry.value for name, entry in configs.items()}

    configs = describe()
    emit(event="described", topic=topic, count=len(configs),
         sample={k: configs[k] for k in sorted(configs) if k in ("cleanup.policy", "retention.ms", "segment.bytes")})
    if "retention.ms" not in configs:
        raise RuntimeError("describe_configs returned no retention.ms")

    # AlterConfigs (non-incremental) replaces the topic's whole set of overrides with this one.
    alter = ConfigResource(ConfigResource.Type.TOPIC, topic, set_config={"retention.ms": "3600000"})
    for future in admin.alter_configs([alter], request_timeout=STEP).values():
        future.result(timeout=STEP)
    after = describe()
    emit(event="altered", topic=topic, retention_ms=after.get("retention.ms"))
    if after.get("retention.ms") != "3600000":
        raise RuntimeError(f"retention.ms after alter is {after.get('retention.ms')!r}, expected '3600000'")

    for name, future in admin.create_partitions([NewPartitions(topic, more)], request_timeout=STEP).items():
        future.result(timeout=STEP)
        emit(event="partitions_created", topic=name, partitions=more)
    wait_for(lambda: partition_count() == more, f"{more} partitions in metadata")
    emit(event="metadata", topic=topic, partitions=partition_count())

    for name, future in admin.delete_topics([topic], request_timeout=STEP).items():
        future.result(timeout=STEP)
        emit(event="deleted", topic=name)
    wait_for(lambda: topic not in admin.list_topics(timeout=STEP).topics, "the topic to disappear from metadata")

    # A topic-level compression.type: accepted at CreateTopics, described, and applied on append.
    zstd = topic + "-zstd"
    for future in admin.create_topics([NewTopic(zstd, num_partitions=1, replication_factor=1, config={"compression.type": "zstd"})],
                                      request_timeout=STEP).values():
        future.result(timeout=STEP)
    (zstd_configs,) = [f.result(timeout=STEP) for f in admin.describe_configs([ConfigResource(ConfigResource.Type.TOPIC, zstd)], request_timeout=STEP).values()]
    emit(event="compressed_topic", topic=zstd, compression_type=zstd_configs["compression.type"].value)
    if zstd_configs["compression.type"].value != "zstd":
        raise RuntimeError(f"compression.type of {zstd} is {zstd_configs['compression.type'].value!r}, expected 'zstd'")
    from confluent_kafka import Consumer, Producer, TopicPartition
    producer = Producer({"bootstrap.servers": bootstrap, "compression.type": "none", "linger.ms": 5})
    expected = [f"message-{i}-" + "z" * (i % 50) for i in range(200)]
    for value in expected:
        producer.produce(zstd, value=value.encode(), partition=0)
    if producer.flush(STEP) != 0:
        raise RuntimeError("messages left unsent")
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": zstd + "-reader", "enable.auto.commit": False})
    consumer.assign([TopicPartition(zstd, 0, 0)])
    seen = []
    deadline = time.monotonic() + STEP
    while len(seen) < len(expected) and time.monotonic() < deadline:
        message = consumer.poll(0.5)
        if message is not None:
            if message.error() is not None:
                raise RuntimeError(f"consume error: {message.error()}")
            seen.append(message.value().decode())
    consumer.close()
    emit(event="compressed_round_trip", topic=zstd, produced=len(expected), consumed=len(seen))
    if seen != expected:
        raise RuntimeError(f"read back {len(seen)} messages from {zstd}, not the {len(expected)} produced in order")
    for future in admin.delete_topics([zstd], request_timeout=STEP).values():
        future.result(timeout=STEP)
    emit(event="done", ok=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:
        emit(event="error", error=f"{type(e).__name__}: {e}")
        sys.exit(1)
