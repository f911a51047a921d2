#!/usr/bin/python3
"""Interop client: confluent-kafka-python's SchemaRegistryClient against a schema registry.

    /usr/bin/python3 tests/interop/registry/confluent_schema_registry.py REGISTRY_URL SUBJECT

Registers two Avro versions of a record under SUBJECT (the second adds a field with a default), reads them back by
id, by version and as the latest, looks one up, checks an incompatible evolution with test_compatibility and with a
registration (expecting error code 409), sets and reads the subject's compatibility level, registers a JSON Schema,
soft-deletes a version and then the subject. Prints one JSON line per step ({"event": ...}); the last is
{"event": "done"}. Exits 0 only if every step succeeded; 1 on any error; 2 on bad usage; 3 on the hard timeout
(TRIBUTARY_INTEROP_TIMEOUT seconds, default 120).
"""
import json
import os
import signal
import sys

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.error import SchemaRegistryError

TIMEOUT = int(os.environ.get("TRIBUTARY_INTEROP_TIMEOUT", "120"))

V1 = json.dumps({"type": "record", "name": "Order", "namespace": "shop",
                 "fields": [{"name": "id", "type": "long"}, {"name": "item", "type": "string"}]})
V2 = json.dumps({"type": "record", "name": "Order", "namespace": "shop",
                 "fields": [{"name": "id", "type": "long"}, {"name": "item", "type": "string"},
                            {"name": "qty", "type": "int", "default": 1}]})
BREAKING = json.dumps({"type": "record", "name": "Order", "namespace": "shop",
                       "fields": [{"name": "id", "type": "long"}, {"name": "price", "type": "double"}]})


def emit(**fields):
    print(json.dumps(fields, sort_keys=True, default=str), flush=True)


def on_timeout(_signum, _frame):
    emit(event="error", error="timeout", seconds=TIMEOUT)
    os._exit(3)


def check(condition, what):
    if not condition:
        raise RuntimeError("check failed: " + what)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    url, subject = sys.argv[1], sys.argv[2]
    signal.signal(signal.SIGALRM, on_timeout)
    signal.alarm(TIMEOUT)
    client = SchemaRegistryClient({"url": url})

    id1 = client.register_schema(subject, Schema(V1, "AVRO"))
    id1_again = client.register_schema(subject, Schema(V1, "AVRO"))
    check(id1 == id1_again, "registering the same schema twice gives one id")
    id2 = client.register_schema(subject, Schema(V2, "AVRO"))
    check(id2 != id1, "a new version gets a new id")
    emit(event="registered", ids=[id1, id2])

    fetched = client.get_schema(id1)
    check(json.loads(fetched.schema_str)["name"] == "Order", "schema by id")
    check(fetched.schema_type == "AVRO", "schema type defaults to AVRO")
    latest = client.get_latest_version(subject)
    check(latest.version == 2 and latest.schema_id == id2 and latest.subject == subject, "latest version")
    first = client.get_version(subject, 1)
    check(first.schema_id == id1, "version 1")
    check(client.get_versions(subject) == [1, 2], "versions")
    check(subject in client.get_subjects(), "subjects")
    found = client.lookup_schema(subject, Schema(V1, "AVRO"))
    check(found.version == 1 and found.schema_id == id1, "lookup")
    emit(event="fetched", latest=latest.version)

    check(client.test_compatibility(subject, Schema(V2, "AVRO")) is True, "compatible evolution")
    check(client.test_compatibility(subject, Schema(BREAKING, "AVRO")) is False, "incompatible evolution")
    try:
        client.register_schema(subject, Schema(BREAKING, "AVRO"))
        raise RuntimeError("an incompatible schema was registered")
    except SchemaRegistryError as e:
        check(e.error_code == 409, f"error code 409 for an incompatible schema, got {e.error_code}")
    try:
        client.get_schema(987654)
        raise RuntimeError("an unknown id was found")
    except SchemaRegistryError as e:
        check(e.error_code == 40403, f"error code 40403 for an unknown id, got {e.error_code}")
    emit(event="compatibility")

    check(client.set_compatibility(subject, "FULL")["compatibility"] == "FULL", "set compatibility")
    check(client.get_compatibility(subject) == "FULL", "get compatibility")
    emit(event="config")

    json_id = client.register_schema(subject + "-json", Schema(json.dumps({"type": "object", "properties": {"a": {"type": "string"}}}), "JSON"))
    check(client.get_schema(json_id).schema_type == "JSON", "JSON schema type kept")
    emit(event="json", id=json_id)

    check(client.delete_version(subject, 1) == 1, "soft-delete version 1")
    check(client.get_versions(subject) == [2], "versions after deleting 1")
    check(client.delete_subject(subject) == [2], "soft-delete the subject")
    check(subject not in client.get_subjects(), "subject gone")
    emit(event="deleted")
    emit(event="done")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # noqa: BLE001 - report any failure as one JSON line
        emit(event="error", error=repr(e))
        sys.exit(1)
