"""HTTP calls to the services' real APIs: one `requests.Session` per thread, bearer tokens from
`watchpost.auth.issue` (the machine's WATCHPOST_JWT_KEYS), an Idempotency-Key per command so a rerun of the same
plan writes nothing twice, a retry on 409 `conflict` (two writers on one stream) and 503, and a tally.
"""

import collections
import os
import threading
import time

import requests

from watchpost import auth

PORTS = {"intake": 8001, "liaison": 8002, "training": 8003, "assessment": 8004}


def base_url(service):
    return f"http://127.0.0.1:{int(os.environ.get(f'{service.upper()}_PORT', PORTS[service]))}"


class Refused(Exception):
    """A command the service refused: status, error code and message, and which step of the plan it was."""

    def __init__(self, status, body, what):
        self.status, self.body, self.what = status, body, what
        super().__init__(f"{what}: {status} {body.get('error')}: {body.get('message')}")


class Client:
    def __init__(self, timeout=120):
        self.timeout = timeout
        self._local = threading.local()
        self._tokens = {}
        self._lock = threading.Lock()
        self.tally = collections.Counter()  # (service, route) -> commands done
        self.refusals = collections.Counter()  # (service, route, status) -> refused
        self.examples = []  # the first few refusals, to print
        self.latencies = []  # seconds per accepted write

    def token(self, role, sub, street=None, community=None):
        key = (role, sub, street, community)
        if key not in self._tokens:
            self._tokens[key] = auth.issue(role, sub, street, community, ttl=24 * 3600)
        return self._tokens[key]

    def _session(self):
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session

    def get(self, service, path, actor, **query):
        answer = self._session().get(
            base_url(service) + path,
            params=query,
            timeout=self.timeout,
            headers={"Authorization": f"Bearer {self.token(*actor)}"},
        )
        body = answer.json()
        if answer.status_code != 200:
            raise Refused(answer.status_code, body, f"GET {service}{path}")
        return body

    def post(self, service, path, actor, body, key, route=None, quiet=()):
        """POST a command; returns the response body. `key` makes it idempotent; `quiet` lists statuses that are
        an expected answer (returned as None, counted, not printed)."""
        route = route or path.strip("/").split("/")[-1]
        headers = {"Authorization": f"Bearer {self.token(*actor)}", "Idempotency-Key": key[:200]}
        for attempt in range(6):
            started = time.perf_counter()
            answer = self._session().post(base_url(service) + path, json=body, headers=headers, timeout=self.timeout)
            reply = answer.json() if answer.content else {}
            retry = answer.status_code == 503 or (answer.status_code == 409 and reply.get("error") == "conflict")
            if not retry:
                break
            time.sleep(0.05 * (attempt + 1))
        with self._lock:
            if answer.status_code < 300:
                self.tally[(service, route)] += 1
                self.latencies.append(time.perf_counter() - started)
                return reply
            self.refusals[(service, route, answer.status_code)] += 1
            if answer.status_code in quiet:
                return None
            if len(self.examples) < 8:
                self.examples.append(f"{service} {route} {answer.status_code}: {reply.get('message')}")
        raise Refused(answer.status_code, reply, f"POST {service}{path}")
