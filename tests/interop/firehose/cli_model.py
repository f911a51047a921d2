#!/usr/bin/env python3
"""Writes a Firehose service model for the AWS CLI with the members its bundled model (Debian's awscli 2.9.19)
predates, so the real CLI can send them: MSKAsSource and MSKSourceConfiguration (Firehose, 2023),
FileExtension and CustomTimeZone (2023), buffering intervals below 60 s (2023), and Tributary's documented extensions (docs/firehose-api.md):
MSKSourceConfiguration.BootstrapServers / ConsumerGroup, SchemaConfiguration.Schema and SchemaConfiguration.RegistrySubject.

Usage: cli_model.py OUTDIR   then run the CLI with AWS_DATA_PATH=OUTDIR.
The shapes follow the public Firehose API reference; the rest of the model is the CLI's own.
"""
import json
import os
import sys

SOURCE = "/usr/lib/python3/dist-packages/awscli/botocore/data/firehose/2015-08-04/service-2.json"


def main():
    out = os.path.join(sys.argv[1], "firehose", "2015-08-04")
    with open(SOURCE) as f:
        model = json.load(f)
    shapes = model["shapes"]
    string = {"type": "string"}
    shapes["TributaryString"] = string
    shapes["TributaryTimestamp"] = {"type": "timestamp"}
    if "MSKAsSource" not in shapes["DeliveryStreamType"]["enum"]:
        shapes["DeliveryStreamType"]["enum"].append("MSKAsSource")
    shapes["Connectivity"] = {"type": "string", "enum": ["PUBLIC", "PRIVATE"]}
    shapes["AuthenticationConfiguration"] = {
        "type": "structure",
        "required": ["RoleARN", "Connectivity"],
        "members": {"RoleARN": {"shape": "TributaryString"}, "Connectivity": {"shape": "Connectivity"}},
    }
    shapes["MSKSourceConfiguration"] = {
        "type": "structure",
        "required": ["MSKClusterARN", "TopicName"],
        "members": {
            "MSKClusterARN": {"shape": "TributaryString"},
            "TopicName": {"shape": "TributaryString"},
            "AuthenticationConfiguration": {"shape": "AuthenticationConfiguration"},
            "ReadFromTimestamp": {"shape": "TributaryTimestamp"},
            "BootstrapServers": {"shape": "TributaryString"},
            "ConsumerGroup": {"shape": "TributaryString"},
        },
    }
    shapes["CreateDeliveryStreamInput"]["members"]["MSKSourceConfiguration"] = {"shape": "MSKSourceConfiguration"}
    for name in ("ExtendedS3DestinationConfiguration", "ExtendedS3DestinationUpdate"):
        shapes[name]["members"]["FileExtension"] = {"shape": "TributaryString"}
        shapes[name]["members"]["CustomTimeZone"] = {"shape": "TributaryString"}
    shapes["SchemaConfiguration"]["members"]["Schema"] = {"shape": "TributaryString"}
    shapes["SchemaConfiguration"]["members"]["RegistrySubject"] = {"shape": "TributaryString"}
    # Zero buffering (an interval of 0 to 59 s) arrived in 2023; the bundled model still says 60 to 900.
    shapes["IntervalInSeconds"]["min"] = 0
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "service-2.json"), "w") as f:
        json.dump(model, f)


if __name__ == "__main__":
    main()
