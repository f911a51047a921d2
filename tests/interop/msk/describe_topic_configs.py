"""Prints a topic's configs as JSON lines {"name","value","source"} through confluent-kafka's AdminClient.

Usage: describe_topic_configs.py BOOTSTRAP TOPIC. Used by the MSK tests to see the broker defaults an MSK
configuration set, as a Kafka admin client sees them (DescribeConfigs)."""
import json
import sys

from confluent_kafka.admin import AdminClient, ConfigResource

bootstrap, topic = sys.argv[1], sys.argv[2]
admin = AdminClient({"bootstrap.servers": bootstrap})
resource = ConfigResource(ConfigResource.Type.TOPIC, topic)
configs = admin.describe_configs([resource], request_timeout=30)[resource].result(timeout=30)
for name, entry in sorted(configs.items()):
    print(json.dumps({"name": name, "value": entry.value, "source": entry.source}))
