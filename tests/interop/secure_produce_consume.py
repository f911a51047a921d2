#!/usr/bin/python3
"""Interop client for secured listeners: confluent-kafka (librdkafka) or kafka-python over TLS and/or SASL.

    /usr/bin/python3 tests/interop/secure_produce_consume.py CLIENT BOOTSTRAP TOPIC COUNT SECURITY_JSON

CLIENT is "confluent" or "kafka-python". SECURITY_JSON holds the client's own security settings, passed as they are:
for confluent-kafka librdkafka keys ({"security.protocol": "SASL_SSL", "sasl.mechanisms": "SCRAM-SHA-512",
"sasl.username": ..., "sasl.password": ..., "ssl.ca.location": ...}; with "tributary.oauth.token": TOKEN, an oauth_cb
hands librdkafka that OAUTHBEARER token); for kafka-python its keyword arguments
({"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "SCRAM-SHA-256", "sasl_plain_username": ...,
"sasl_plain_password": ..., "ssl_cafile": ...}).

Produces COUNT records (acks=all), waits for every acknowledgement, then reads them back from the beginning
without a group and checks every key and value. Prints JSON lines ({"event": ...}); the last is {"event": "done"}.
Exits 0 only if everything matched; 1 on any error (the error is printed); 2 on bad usage; 3 on the hard timeout
(TRIBUTARY_INTEROP_TIMEOUT, default 120 s).
"""
import json
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


def confluent(bootstrap, topic, count, security):
    import confluent_kafka
    from confluent_kafka import Consumer, Producer, TopicPartition
    emit(event="start", client="confluent-kafka", version=confluent_kafka.version()[0], librdkafka=confluent_kafka.libversion()[0])
    security = dict(security)
    token = security.pop("tributary.oauth.token", None)
    if token is not None:
        # librdkafka asks oauth_cb for (token, expiry in seconds since the epoch).
        security["oauth_cb"] = lambda _config: (token, time.time() + 300)
    errors = []
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "error_cb": lambda e: errors.append(str(e)), **security})
    delivered = []

    def on_delivery(err, msg):
        if err is not None:
            errors.append(str(err))
        else:
            delivered.append(msg.offset())
    for i in range(count):
        producer.produce(topic, key=f"key-{i}", value=f"value-{i}", on_delivery=on_delivery)
    producer.flush(TIMEOUT)
    if errors or len(delivered) != count:
        raise RuntimeError(f"produce: {len(delivered)} of {count} delivered; errors {errors[:5]}")
    emit(event="produced", acknowledged=len(delivered))
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "unused", "enable.auto.commit": False, **security})
    consumer.assign([TopicPartition(topic, 0, confluent_kafka.OFFSET_BEGINNING)])
    seen = {}
    deadline = time.monotonic() + 60
    while len(seen) < count and time.monotonic() < deadline:
        message = consumer.poll(1.0)
        if message is None:
            continue
        if message.error():
            raise RuntimeError(f"consume: {message.error()}")
        seen[message.key().decode()] = message.value().decode()
    consumer.close()
    return seen


def kafka_python(bootstrap, topic, count, security):
    import kafka
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition
    emit(event="start", client="kafka-python", version=kafka.__version__)
    common = {"bootstrap_servers": bootstrap, "request_timeout_ms": 30000, **security}
    producer = KafkaProducer(acks="all", **common)
    futures = [producer.send(topic, key=f"key-{i}".encode(), value=f"value-{i}".encode()) for i in range(count)]
    producer.flush(timeout=TIMEOUT)
    for future in futures:
        future.get(timeout=30)
    producer.close(timeout=10)
    emit(event="produced", acknowledged=len(futures))
    consumer = KafkaConsumer(group_id=None, enable_auto_commit=False, auto_offset_reset="earliest", consumer_timeout_ms=10000, **common)
    partition = TopicPartition(topic, 0)
    consumer.assign([partition])
    consumer.seek_to_beginning()
    seen = {}
    deadline = time.monotonic() + 60
    while len(seen) < count and time.monotonic() < deadline:
        for records in consumer.poll(timeout_ms=1000).values():
            for record in records:
                seen[record.key.decode()] = record.value.decode()
    consumer.close()
    return seen


def main():
    if len(sys.argv) != 6 or sys.argv[1] not in ("confluent", "kafka-python"):
        print(__doc__, file=sys.stderr)
        return 2
    client, bootstrap, topic, count, security = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), json.loads(sys.argv[5])
    signal.signal(signal.SIGALRM, on_timeout)
    signal.alarm(TIMEOUT)
    seen = (confluent if client == "confluent" else kafka_python)(bootstrap, topic, count, security)
    wrong = [k for k, v in seen.items() if v != "value-" + k.split("-", 1)[1]]
    if len(seen) != count or wrong:
        emit(event="error", consumed=len(seen), expected=count, wrong=wrong[:10])
        return 1
    emit(event="done", ok=True, produced=count, consumed=len(seen))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:
        emit(event="error", error=f"{type(e).__name__}: {e}")
        sys.exit(1)
