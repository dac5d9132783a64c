"""The load test's stand-in for the Django application (a plain WSGI app).

It answers like the real app as far as capacity is concerned: the answer endpoint
holds its Gunicorn slot for an LLM-sized wait (uniform between LOADTEST_LLM_WAIT_MIN
and LOADTEST_LLM_WAIT_MAX seconds, spent sleeping, as a thread waiting on an HTTP
API does), the health endpoint answers at once. Every answer appends its start and
end time to a per-process file in LOADTEST_TRACE_DIR, from which the harness
measures how many answers Gunicorn really held at once.
"""
import json
import os
import random
import threading
import time

WAIT_MIN = float(os.environ.get("LOADTEST_LLM_WAIT_MIN", "2"))
WAIT_MAX = float(os.environ.get("LOADTEST_LLM_WAIT_MAX", "5"))
TRACE_DIR = os.environ.get("LOADTEST_TRACE_DIR")
HEALTH_PATH = os.environ.get("LOADTEST_HEALTH_PATH", "/health/")
ANSWER_PATH = os.environ.get("LOADTEST_ANSWER_PATH", "/api/answer/")

_lock = threading.Lock()
_trace = None


def _record(start, end):
    global _trace
    if not TRACE_DIR:
        return
    with _lock:
        if _trace is None:
            # One file per worker process (opened after the fork), one line per answer.
            _trace = open(os.path.join(TRACE_DIR, f"trace-{os.getpid()}.txt"), "a", buffering=1)
        _trace.write(f"{start:.6f} {end:.6f}\n")


def _respond(start_response, status, body, content_type="application/json"):
    data = body.encode()
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(data))), ("Cache-Control", "no-store")])
    return [data]


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == HEALTH_PATH:
        return _respond(start_response, "200 OK", '{"status": "ok"}')
    if path == ANSWER_PATH:
        start = time.time()
        length = int(environ.get("CONTENT_LENGTH") or 0)
        question = environ["wsgi.input"].read(length) if length else b""
        time.sleep(random.uniform(WAIT_MIN, WAIT_MAX))
        end = time.time()
        _record(start, end)
        return _respond(start_response, "200 OK", json.dumps({"answer": "stand-in", "question_bytes": len(question)}))
    return _respond(start_response, "404 Not Found", '{"error": "not found"}')
