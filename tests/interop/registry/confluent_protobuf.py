#!/usr/bin/python3
"""Interop client: confluent-kafka-python's Protobuf serde and SchemaRegistryClient against a schema registry.

    /usr/bin/python3 tests/interop/registry/confluent_protobuf.py REGISTRY_URL TOPIC DESCRIPTOR_B64 MESSAGE CONVERTER_HEX

DESCRIPTOR_B64 is a serialized FileDescriptorProto (base64) holding MESSAGE (its full name); the message class is built
from it at run time (no generated _pb2 module: Debian's protobuf runtime is older than Google.Protobuf.Tools' protoc).
CONVERTER_HEX is a value written by Tributary's ProtobufConverter for TOPIC. The script
1. registers a Protobuf schema as .proto text with SchemaRegistryClient (subject TOPIC-text), reads it back by id and
   checks its type; registers an incompatible evolution and expects error 409;
2. reads CONVERTER_HEX with ProtobufDeserializer and prints the message as JSON ({"event": "read", "message": ...});
3. writes a message with ProtobufSerializer (it registers the file as a base64 descriptor under TOPIC-value) and
   prints the bytes; the message sets id, name, price, paid, blob, tags, attributes, address, the oneof member phone
   and the enum field status (constant PLACED), so MESSAGE must have those fields ({"event": "written", "hex": ...,
   "id": ...}).
Prints one JSON line per step; the last is {"event": "done"}. Exit 0 on success, 1 on error, 2 on bad usage, 3 on the
hard timeout (TRIBUTARY_INTEROP_TIMEOUT seconds, default 120).
"""
import base64
import json
import os
import signal
import sys

try:
    from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory
    from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
    from confluent_kafka.schema_registry.error import SchemaRegistryError
    from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
    from confluent_kafka.serialization import MessageField, SerializationContext
except ImportError as missing:
    print(f"confluent_protobuf.py: {missing}: install Debian's python3-protobuf and python3-confluent-kafka "
          "(./test.sh does: apt-get install python3-protobuf python3-confluent-kafka)", file=sys.stderr)
    sys.exit(1)

TIMEOUT = int(os.environ.get("TRIBUTARY_INTEROP_TIMEOUT", "120"))

TEXT_V1 = 'syntax = "proto3";\npackage py;\n\nmessage Point {\n  int32 x = 1;\n  int32 y = 2;\n}\n'
TEXT_BREAKING = 'syntax = "proto3";\npackage py;\n\nmessage Point {\n  string x = 1;\n  int32 y = 2;\n}\n'


def emit(**fields):
    print(json.dumps(fields, sort_keys=True, default=str), flush=True)


def on_timeout(_signum, _frame):
    emit(event="error", error="timeout", seconds=TIMEOUT)
    os._exit(3)


def check(condition, what):
    if not condition:
        raise RuntimeError("check failed: " + what)


def main():
    if len(sys.argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    url, topic, descriptor_b64, message_name, converter_hex = sys.argv[1:]
    signal.signal(signal.SIGALRM, on_timeout)
    signal.alarm(TIMEOUT)
    client = SchemaRegistryClient({"url": url})

    subject = topic + "-text"
    schema_id = client.register_schema(subject, Schema(TEXT_V1, "PROTOBUF"))
    fetched = client.get_schema(schema_id)
    check(fetched.schema_type == "PROTOBUF", "schema type PROTOBUF")
    check("message Point" in fetched.schema_str, "schema text by id")
    try:
        client.register_schema(subject, Schema(TEXT_BREAKING, "PROTOBUF"))
        raise RuntimeError("an incompatible Protobuf schema was registered")
    except SchemaRegistryError as e:
        check(e.error_code == 409, "409 for an incompatible Protobuf schema, got %s" % e.error_code)
    emit(event="registered", id=schema_id)

    pool = descriptor_pool.DescriptorPool()
    pool.Add(descriptor_pb2.FileDescriptorProto.FromString(base64.b64decode(descriptor_b64)))
    message_class = message_factory.MessageFactory(pool).GetPrototype(pool.FindMessageTypeByName(message_name))

    context = SerializationContext(topic, MessageField.VALUE)
    deserializer = ProtobufDeserializer(message_class)
    read = deserializer(bytes.fromhex(converter_hex), context)
    emit(event="read", message=json_format.MessageToDict(read, preserving_proto_field_name=True))

    serializer = ProtobufSerializer(message_class, client, {"auto.register.schemas": True})
    value = message_class()
    json_format.ParseDict({"id": "77", "name": "from python", "price": 2.5, "paid": True, "blob": "AQID",
                           "tags": ["p", "q"], "attributes": {"k": 9}, "address": {"city": "Bergen"},
                           "phone": "5551234", "status": "PLACED"}, value)
    written = serializer(value, context)
    emit(event="written", hex=written.hex(), id=int.from_bytes(written[1:5], "big"))
    emit(event="done")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # noqa: BLE001 - the test reads the message
        emit(event="error", error=repr(e))
        sys.exit(1)
