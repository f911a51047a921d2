#!/usr/bin/env python3
"""A record transformation endpoint with AWS Lambda's Firehose contract, standing in for a Lambda function.

Usage: transform_server.py [PORT]   (default 0: the OS picks a free port)
Each record's data is JSON {"n": N}: N % 3 == 0 -> Dropped; N % 3 == 1 -> Ok, rewritten to
{"n": N, "transformed": true} plus a newline; N % 3 == 2 -> ProcessingFailed. 
prints "ready PORT" once listening (PORT as bound); exits after TRIBUTARY_INTEROP_TIMEOUT seconds (default 300).
"""
import base64
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        event = json.loads(self.rfile.read(length))
        records = []
        for record in event["records"]:
            data = json.loads(base64.b64decode(record["data"]))
            n = data["n"]
            out = {"recordId": record["recordId"]}
            if n % 3 == 0:
                out["result"] = "Dropped"
            elif n % 3 == 1:
                out["result"] = "Ok"
                out["data"] = base64.b64encode((json.dumps({"n": n, "transformed": True}) + "\n").encode()).decode()
            else:
                out["result"] = "ProcessingFailed"
            records.append(out)
        body = json.dumps({"records": records}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 0), Handler)
    timer = threading.Timer(float(os.environ.get("TRIBUTARY_INTEROP_TIMEOUT", "300")), server.shutdown)
    timer.daemon = True
    timer.start()
    print(f"ready {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
