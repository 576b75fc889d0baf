#!/usr/bin/env python3
"""A webhook receiver for the benchmarks: answers 200 to every POST and appends one line per delivery to a file:
receipt time (Unix seconds), webhook-id, event type, invoiceId. Usage: webhook-receiver.py PORT OUTFILE"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, path = int(sys.argv[1]), sys.argv[2]
out = open(path, "a", buffering=1)
lock = threading.Lock()


class Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the gateway's pooled connections stay open

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        received = time.time()
        try:
            event = json.loads(body)
        except ValueError:
            event = {}
        with lock:
            out.write(f"{received:.3f}\t{self.headers.get('webhook-id')}\t{event.get('type')}\t{event.get('invoiceId')}\n")
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", port), Receiver).serve_forever()
