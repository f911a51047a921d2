#!/usr/bin/python3
"""Interop client: confluent-kafka (librdkafka) consumer-group member, producer and admin for the group tests.

    /usr/bin/python3 tests/interop/confluent_group.py BOOTSTRAP MODE ARGS...

Modes:
  produce TOPIC PARTITIONS COUNT FIRST   create TOPIC if missing, produce COUNT records (values "FIRST".."FIRST+COUNT-1",
                                         spread round-robin over the partitions), print {"event": "produced"}
  member GROUP TOPIC [OPTIONS_JSON]      a group member: subscribe, print {"event":"assigned"/"revoked","partitions":[..]}
                                         on every rebalance and {"event":"record","p":P,"o":O,"v":V} per record, commit
                                         each record synchronously after printing it; options (JSON): session_ms,
                                         instance_id, assignor ("range", "cooperative-sticky", ...), delay_ms (per
                                         record), stop_after_idle_s (exit cleanly after that long without records),
                                         max_records (close cleanly after that many)
  admin GROUP...                         list groups (print {"event":"listed"}) and describe each GROUP (print
                                         {"event":"described"}) with AdminClient.list_groups
Ends with {"event": "done"}; exit 0 on success, 1 on error, 2 on bad usage, 3 on the hard timeout
(TRIBUTARY_INTEROP_TIMEOUT seconds, default 120).
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


def produce(bootstrap, topic, partitions, count, first):
    from confluent_kafka import Producer
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": bootstrap})
    if topic not in admin.list_topics(timeout=10).topics:
        for f in admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)]).values():
            f.result(10)
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5})
    for i in range(first, first + count):
        producer.produce(topic, value=str(i).encode(), partition=i % partitions)
        if i % 1000 == 0:
            producer.poll(0)
    left = producer.flush(30)
    if left:
        raise RuntimeError(f"{left} records not delivered")
    emit(event="produced", count=count)


def member(bootstrap, group, topic, options):
    from confluent_kafka import Consumer, KafkaException
    config = {
        "bootstrap.servers": bootstrap,
        "group.id": group,
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
        "session.timeout.ms": options.get("session_ms", 6000),
        "heartbeat.interval.ms": options.get("heartbeat_ms", 500),
        "max.poll.interval.ms": options.get("max_poll_ms", 20000),
        "partition.assignment.strategy": options.get("assignor", "range"),
    }
    if "instance_id" in options:
        config["group.instance.id"] = options["instance_id"]
    consumer = Consumer(config)
    cooperative = options.get("assignor") == "cooperative-sticky"

    def on_assign(c, partitions):
        emit(event="assigned", partitions=sorted(p.partition for p in partitions), incremental=cooperative)
        if cooperative:
            c.incremental_assign(partitions)

    def on_revoke(c, partitions):
        emit(event="revoked", partitions=sorted(p.partition for p in partitions), incremental=cooperative)
        if cooperative:
            c.incremental_unassign(partitions)

    consumer.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke)
    delay = options.get("delay_ms", 0) / 1000.0
    idle_limit = options.get("stop_after_idle_s", 10)
    max_records = options.get("max_records", 0)
    last = time.time()
    seen = 0
    while True:
        msg = consumer.poll(0.2)
        if msg is None:
            if time.time() - last > idle_limit:
                break
            continue
        if msg.error():
            emit(event="warning", error=str(msg.error()))
            continue
        last = time.time()
        emit(event="record", p=msg.partition(), o=msg.offset(), v=msg.value().decode())
        try:
            consumer.commit(message=msg, asynchronous=False)
        except KafkaException as e:
            # A commit racing a rebalance may be refused; the record will be seen again by its new owner.
            emit(event="commit_failed", p=msg.partition(), o=msg.offset(), error=str(e))
        seen += 1
        if delay:
            time.sleep(delay)
        if max_records and seen >= max_records:
            break
    consumer.close()
    emit(event="closed", records=seen)


def admin(bootstrap, groups):
    # Debian's confluent-kafka 1.7.0 AdminClient has list_groups() (ListGroups, then DescribeGroups of each group)
    # but no delete_consumer_groups (added in 2.0); deleting is shown with kafkajs' admin client instead.
    from confluent_kafka.admin import AdminClient
    client = AdminClient({"bootstrap.servers": bootstrap})
    listed = client.list_groups(timeout=10)
    emit(event="listed", groups=sorted(g.id for g in listed))
    for group_id in groups:
        for g in client.list_groups(group=group_id, timeout=10):
            emit(event="described", group=g.id, state=g.state, protocol_type=g.protocol_type, protocol=g.protocol,
                 members=len(g.members), error=str(g.error) if g.error else None,
                 assignments=[m.assignment.hex() for m in g.members])


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    signal.signal(signal.SIGALRM, on_timeout)
    signal.alarm(TIMEOUT)
    bootstrap, mode, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    try:
        if mode == "produce":
            produce(bootstrap, args[0], int(args[1]), int(args[2]), int(args[3]))
        elif mode == "member":
            member(bootstrap, args[0], args[1], json.loads(args[2]) if len(args) > 2 else {})
        elif mode == "admin":
            admin(bootstrap, args)
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except Exception as e:  # noqa: BLE001 - any failure is reported as a JSON line
        emit(event="error", error=repr(e))
        return 1
    emit(event="done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
