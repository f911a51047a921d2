#!/usr/bin/python3
"""Interop client for several registry instances: one call of confluent-kafka-python's SchemaRegistryClient per run
(a new process, so no client cache hides what an instance answers).

    /usr/bin/python3 tests/interop/registry/cluster_client.py register REGISTRY_URL SUBJECT FIELD...
    /usr/bin/python3 tests/interop/registry/cluster_client.py latest REGISTRY_URL SUBJECT
    /usr/bin/python3 tests/interop/registry/cluster_client.py config REGISTRY_URL SUBJECT LEVEL

register: registers an Avro record `Row` whose fields are FIELD... (each a string field; every field after the first
has a default, so each registration is a BACKWARD-compatible evolution of the previous) and prints
{"event": "registered", "id": N}. latest: prints {"event": "latest", "id", "version", "fields"} of the subject's latest
version. config: sets the subject's compatibility level and prints {"event": "config", "level"}. A registry error
prints {"event": "error", "code", "message"} and exits 1; bad usage exits 2.
"""
import json
import sys

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.error import SchemaRegistryError


def emit(**fields):
    print(json.dumps(fields, sort_keys=True), flush=True)


def row_schema(fields):
    declared = [{"name": fields[0], "type": "string"}]
    declared += [{"name": f, "type": "string", "default": ""} for f in fields[1:]]
    return json.dumps({"type": "record", "name": "Row", "namespace": "cluster", "fields": declared})


def main(argv):
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    command, url, subject = argv[1], argv[2], argv[3]
    client = SchemaRegistryClient({"url": url})
    try:
        if command == "register" and len(argv) >= 5:
            emit(event="registered", id=client.register_schema(subject, Schema(row_schema(argv[4:]), "AVRO")))
        elif command == "latest":
            latest = client.get_latest_version(subject)
            fields = [f["name"] for f in json.loads(latest.schema.schema_str)["fields"]]
            emit(event="latest", id=latest.schema_id, version=latest.version, fields=fields)
        elif command == "config" and len(argv) == 5:
            emit(event="config", level=client.set_compatibility(subject_name=subject, level=argv[4]))
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except SchemaRegistryError as e:
        emit(event="error", code=e.error_code, message=e.error_message)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
