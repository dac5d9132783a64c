"""Locust users for npm run loadtest: each asks a question, waits for the answer, asks again.

Closed loop with no think time, so N users hold at most N answers in flight, the worst case
of N people using the FAQ at once. Each user comes from its own client address: the load
balancer's X-Forwarded-For, which nginx trusts from the VPC range (here loopback), as in
production; otherwise nginx's per-client rate limit would see one client.
"""
import itertools
import os

from locust import HttpUser, constant, task

HOST_HEADER = os.environ["LOADTEST_HOST_HEADER"]
ANSWER_PATH = os.environ.get("LOADTEST_ANSWER_PATH", "/api/answer/")
_addresses = itertools.count(1)


class FaqUser(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        n = next(_addresses)
        # 198.18.0.0/15 is reserved for benchmarks: a header value only, never an address contacted.
        self.client_ip = f"198.18.{n // 250}.{n % 250 + 1}"

    @task
    def ask(self):
        self.client.post(
            ANSWER_PATH,
            data='{"question": "How do I reset my password?"}',
            headers={
                "Host": HOST_HEADER,
                "Content-Type": "application/json",
                "X-Forwarded-For": self.client_ip,
                "X-Forwarded-Proto": "https",
            },
            name="answer",
        )
