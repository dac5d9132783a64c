"""Qdrant restore drill: restore a collection's newest snapshot into a throwaway
Qdrant and compare its point count with the live collection's.

Runs as the `drill` container of the drill task, beside a scratch Qdrant on
ephemeral storage. The live Qdrant lists its snapshots (kept in S3) and streams
the newest one; the drill uploads that stream to the scratch Qdrant without
touching disk, then counts the points of both. Standard library only.

Environment:
  LIVE_QDRANT_URL                 e.g. http://qdrant.faq-prod.internal:6333
  SCRATCH_QDRANT_URL              e.g. http://127.0.0.1:6333
  QDRANT_API_KEY                  API key of both (the scratch Qdrant gets the same secret)
  QDRANT_COLLECTION               collection to restore
  MAX_SNAPSHOT_AGE_HOURS          the drill fails when the newest snapshot is older
  POINT_COUNT_TOLERANCE_PERCENT   allowed |restored - live| in percent of live (default 0)
  SCRATCH_READY_TIMEOUT_SECONDS   how long to wait for the scratch Qdrant (default 300)
  HTTP_TIMEOUT_SECONDS            per request (default 3000: restores of large snapshots are slow)

Output: progress lines, then one JSON line (the CloudWatch metric filters read it):
  {"drill": "qdrant-restore", "status": "ok" | "failed", "reason": ..., "collection": ...,
   "snapshot": ..., "snapshotAgeHours": ..., "liveCount": ..., "restoredCount": ...}
Exit status 0 when the snapshot restored and the counts agree, 1 otherwise.
"""
import datetime
import http.client
import json
import os
import sys
import time
import urllib.parse
import uuid

CHUNK_BYTES = 1024 * 1024


class DrillFailure(Exception):
    """A check of the drill failed; the message says which and why."""


def log(message):
    print(message, flush=True)


class Qdrant:
    """A minimal client of Qdrant's REST API."""

    def __init__(self, base_url, api_key, timeout):
        parsed = urllib.parse.urlsplit(base_url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise DrillFailure(f"not an http(s) URL: {base_url!r}")
        self.scheme = parsed.scheme
        self.host = parsed.hostname
        self.port = parsed.port or (443 if parsed.scheme == "https" else 80)
        self.base_path = parsed.path.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.name = base_url

    def connection(self):
        cls = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        return cls(self.host, self.port, timeout=self.timeout)

    def headers(self, extra=None):
        headers = {"api-key": self.api_key} if self.api_key else {}
        headers.update(extra or {})
        return headers

    def request_json(self, method, path, body=None):
        conn = self.connection()
        try:
            payload = None if body is None else json.dumps(body).encode()
            headers = self.headers({"Content-Type": "application/json"} if payload is not None else None)
            conn.request(method, self.base_path + path, body=payload, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        if response.status != 200:
            raise DrillFailure(f"{method} {self.name}{path} answered {response.status}: {data[:300]!r}")
        try:
            return json.loads(data)["result"]
        except (ValueError, KeyError) as error:
            raise DrillFailure(f"{method} {self.name}{path} answered no JSON result: {error}") from None

    def ready(self):
        conn = self.connection()
        try:
            conn.request("GET", self.base_path + "/readyz")
            response = conn.getresponse()
            response.read()
            return response.status == 200
        except OSError:
            return False
        finally:
            conn.close()

    def count(self, collection):
        result = self.request_json("POST", f"/collections/{quote(collection)}/points/count", {"exact": True})
        count = result.get("count") if isinstance(result, dict) else None
        if not isinstance(count, int) or count < 0:
            raise DrillFailure(f"{self.name} returned no point count for {collection!r}: {result!r}")
        return count


def quote(segment):
    return urllib.parse.quote(segment, safe="")


def parse_time(text):
    """Qdrant's creation_time: ISO 8601 in UTC, without a zone (2024-05-01T02:30:12 or with fractions)."""
    value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)


def newest_snapshot(live, collection):
    snapshots = live.request_json("GET", f"/collections/{quote(collection)}/snapshots")
    dated = []
    for s in snapshots or []:
        try:
            dated.append((parse_time(s["creation_time"]), s["name"]))
        except (KeyError, TypeError, ValueError):
            log(f"ignoring a snapshot entry without a usable name and creation_time: {s!r}")
    if not dated:
        raise DrillFailure(f"the live Qdrant lists no snapshot of collection {collection!r}")
    return max(dated)


def stream_snapshot(live, scratch, collection, name):
    """GET the snapshot from the live Qdrant and POST it to the scratch one as multipart, chunk by chunk."""
    source = live.connection()
    target = scratch.connection()
    try:
        source.request("GET", live.base_path + f"/collections/{quote(collection)}/snapshots/{quote(name)}", headers=live.headers())
        download = source.getresponse()
        if download.status != 200:
            raise DrillFailure(f"downloading snapshot {name!r} from {live.name} answered {download.status}: {download.read(300)!r}")
        boundary = uuid.uuid4().hex
        head = (
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"snapshot\"; filename=\"{name}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        path = scratch.base_path + f"/collections/{quote(collection)}/snapshots/upload?priority=snapshot&wait=true"
        target.putrequest("POST", path)
        for key, value in scratch.headers({"Content-Type": f"multipart/form-data; boundary={boundary}", "Transfer-Encoding": "chunked"}).items():
            target.putheader(key, value)
        target.endheaders()
        sent = 0

        def chunk(data):
            target.send(b"%x\r\n" % len(data) + data + b"\r\n")

        chunk(head)
        while True:
            data = download.read(CHUNK_BYTES)
            if not data:
                break
            sent += len(data)
            chunk(data)
        chunk(tail)
        target.send(b"0\r\n\r\n")
        response = target.getresponse()
        body = response.read()
        if response.status != 200:
            raise DrillFailure(f"restoring snapshot {name!r} into {scratch.name} answered {response.status}: {body[:300]!r}")
        return sent
    finally:
        source.close()
        target.close()


def wait_ready(qdrant, timeout_seconds):
    deadline = time.monotonic() + timeout_seconds
    while not qdrant.ready():
        if time.monotonic() > deadline:
            raise DrillFailure(f"{qdrant.name} was not ready after {timeout_seconds} s")
        time.sleep(1)


def number(env, name, default=None):
    raw = env.get(name, default)
    if raw is None:
        raise DrillFailure(f"{name} is not set")
    try:
        value = float(raw)
    except ValueError:
        raise DrillFailure(f"{name} is not a number: {raw!r}") from None
    if value < 0:
        raise DrillFailure(f"{name} must not be negative: {raw!r}")
    return value


def drill(env, now=None):
    """Runs the drill; returns the result record (status "ok" or "failed")."""
    result = {"drill": "qdrant-restore", "status": "failed", "collection": env.get("QDRANT_COLLECTION")}
    try:
        for name in ("LIVE_QDRANT_URL", "SCRATCH_QDRANT_URL", "QDRANT_COLLECTION"):
            if not env.get(name):
                raise DrillFailure(f"{name} is not set")
        collection = env["QDRANT_COLLECTION"]
        max_age = number(env, "MAX_SNAPSHOT_AGE_HOURS")
        tolerance = number(env, "POINT_COUNT_TOLERANCE_PERCENT", "0")
        timeout = number(env, "HTTP_TIMEOUT_SECONDS", "3000")
        live = Qdrant(env["LIVE_QDRANT_URL"], env.get("QDRANT_API_KEY"), timeout)
        scratch = Qdrant(env["SCRATCH_QDRANT_URL"], env.get("QDRANT_API_KEY"), timeout)

        created, name = newest_snapshot(live, collection)
        age_hours = ((now or datetime.datetime.now(datetime.timezone.utc)) - created).total_seconds() / 3600
        result.update(snapshot=name, snapshotAgeHours=round(age_hours, 2))
        log(f"newest snapshot of {collection!r}: {name} ({age_hours:.1f} h old)")
        if age_hours > max_age:
            raise DrillFailure(f"the newest snapshot is {age_hours:.1f} h old, more than MAX_SNAPSHOT_AGE_HOURS ({max_age:g})")

        wait_ready(scratch, number(env, "SCRATCH_READY_TIMEOUT_SECONDS", "300"))
        size = stream_snapshot(live, scratch, collection, name)
        log(f"restored {size} bytes into {scratch.name}")
        restored = scratch.count(collection)
        live_count = live.count(collection)
        result.update(restoredCount=restored, liveCount=live_count)
        allowed = live_count * tolerance / 100
        if abs(restored - live_count) > allowed:
            raise DrillFailure(
                f"the restored collection has {restored} points, the live one {live_count} (tolerance {tolerance:g} %: {allowed:g} points)"
            )
        result["status"] = "ok"
    except DrillFailure as failure:
        result["reason"] = str(failure)
    except (OSError, http.client.HTTPException) as error:
        result["reason"] = f"{type(error).__name__}: {error}"
    return result


def main():
    result = drill(os.environ)
    log(json.dumps(result, sort_keys=True))
    return 0 if result["status"] == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
