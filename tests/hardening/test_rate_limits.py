"""Rate limits on what needs no token (anonymous submission, receipt lookup): a token bucket per client address
and route (watchpost.runtime.ratelimit), 429 `rate_limited` with Retry-After, so receipt codes cannot be guessed."""

import http.client
import ipaddress
import json

import pytest

from watchpost.errors import RateLimited
from watchpost.runtime import ratelimit
from watchpost.runtime.ratelimit import Limiter

from intake import receipts

CLUE = {
    "channel": "citizen_platform",
    "summary": "社区项目资金未经集体研究",
    "community": "lijinggang",
    "street": "yongquan",
    "category": "C04",
    "item": "C04.02",
    "accused": {"name": "张三", "post": "社区主任", "rank": "community_cadre"},
}


def test_a_bucket_allows_the_burst_then_refills_at_the_rate():
    now = [0.0]
    limiter = Limiter(clock=lambda: now[0])
    for _ in range(3):
        limiter.take("k", rate=1 / 10, burst=3)
    with pytest.raises(RateLimited) as caught:
        limiter.take("k", rate=1 / 10, burst=3)
    assert caught.value.status == 429 and caught.value.details["retry_after"] == 10
    limiter.take("other", rate=1 / 10, burst=3)  # another address or route has its own bucket
    now[0] = 10.0
    limiter.take("k", rate=1 / 10, burst=3)  # one token back after 1/rate seconds
    with pytest.raises(RateLimited):
        limiter.take("k", rate=1 / 10, burst=3)


def test_limits_come_from_the_environment_with_sane_defaults(monkeypatch):
    monkeypatch.delenv("WATCHPOST_ANON_RATE", raising=False)
    monkeypatch.delenv("WATCHPOST_ANON_BURST", raising=False)
    assert ratelimit.limits() == (0.5, 10)
    monkeypatch.setenv("WATCHPOST_ANON_RATE", "120")
    monkeypatch.setenv("WATCHPOST_ANON_BURST", "3")
    assert ratelimit.limits() == (2.0, 3)
    monkeypatch.setenv("WATCHPOST_ANON_RATE", "lots")
    assert ratelimit.limits() == (0.5, 10)


def test_guessing_a_receipt_at_the_default_rate_is_hopeless(monkeypatch):
    monkeypatch.delenv("WATCHPOST_ANON_RATE", raising=False)
    monkeypatch.delenv("WATCHPOST_ANON_BURST", raising=False)
    rate, burst = ratelimit.limits()
    guesses_a_year = burst + rate * 365 * 24 * 3600
    codes = len(receipts.ALPHABET) ** receipts.LENGTH
    assert guesses_a_year / codes < 1e-20  # per address; a million addresses still < 1e-14


def request(base_url, method, path, body=None, token=None, source="127.0.0.1"):
    host, port = base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30, source_address=(source, 0))
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, body=json.dumps(body).encode() if body is not None else None, headers=headers)
    answer = conn.getresponse()
    status, retry, data = answer.status, answer.getheader("Retry-After"), json.loads(answer.read() or b"null")
    conn.close()
    return status, retry, data


@pytest.mark.integration
def test_receipts_cannot_be_enumerated(start, monkeypatch):
    monkeypatch.setenv("WATCHPOST_ANON_BURST", "5")
    monkeypatch.setenv("WATCHPOST_ANON_RATE", "6")  # one every 10 s
    intake = start("intake")
    base = intake.base_url
    informant = intake.client.as_("informant", street="yongquan")
    submitted = informant.post("/clues", CLUE)
    assert submitted.status_code == 201, submitted.text
    real_code = submitted.json()["receipt_code"]

    statuses = [request(base, "POST", "/receipts/lookup", {"receipt_code": receipts.new_code()})[0] for _ in range(5)]
    assert statuses == [404] * 5
    status, retry, body = request(base, "POST", "/receipts/lookup", {"receipt_code": receipts.new_code()})
    assert status == 429 and body["error"] == "rate_limited" and 1 <= int(retry) <= 10
    assert "try again in" in body["message"] and body["details"]["retry_after"] == int(retry)
    # once the bucket is empty even the right code is refused: a guesser learns nothing more
    assert request(base, "POST", "/receipts/lookup", {"receipt_code": real_code})[0] == 429
    # another address has its own bucket; a token-holder is not limited; submission has its own bucket
    assert request(base, "POST", "/receipts/lookup", {"receipt_code": real_code}, source="127.0.0.2")[0] == 200
    auditor = intake.client.as_("auditor")
    assert all(auditor.post("/receipts/lookup", {"receipt_code": real_code}).status_code == 200 for _ in range(8))
    assert request(base, "POST", "/clues", CLUE)[0] == 201


@pytest.mark.integration
def test_anonymous_submission_is_limited_and_nothing_is_written_when_refused(start, monkeypatch):
    monkeypatch.setenv("WATCHPOST_ANON_BURST", "3")
    monkeypatch.setenv("WATCHPOST_ANON_RATE", "1")
    intake = start("intake")
    assert [
        request(
            intake.base_url,
            "POST",
            "/opinions",
            {
                "kind": "problem",
                "channel": "meeting",
                "community": "lijinggang",
                "street": "yongquan",
                "summary": f"路灯不亮{n}",
            },
        )[0]
        for n in range(3)
    ] == [201] * 3
    before = intake.store.head()
    status, retry, body = request(
        intake.base_url,
        "POST",
        "/opinions",
        {"kind": "problem", "channel": "meeting", "community": "lijinggang", "street": "yongquan", "summary": "再来"},
    )
    assert status == 429 and 50 <= int(retry) <= 60 and intake.store.head() == before


def test_the_client_address_comes_from_a_trusted_proxy_only():
    proxies = [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("127.0.0.2/32")]
    assert ratelimit.client_address("203.0.113.9", "1.2.3.4", proxies) == "203.0.113.9"  # untrusted: ignored
    assert ratelimit.client_address("127.0.0.2", "1.2.3.4", proxies) == "1.2.3.4"
    # a client prepends what it likes; the trusted hops appended the truth at the right
    assert ratelimit.client_address("10.0.0.5", "9.9.9.9, 198.51.100.7, 10.0.0.4", proxies) == "198.51.100.7"
    assert ratelimit.client_address("10.0.0.5", "not-an-address", proxies) == "10.0.0.5"
    assert ratelimit.client_address("10.0.0.5", None, proxies) == "10.0.0.5"


def _raw(base_url, code, source="127.0.0.1", forwarded=None, token=None):
    """The status of a receipt look-up (`POST /receipts/lookup`) sent from `source`, with the given headers."""
    host, port = base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30, source_address=(source, 0))
    headers = {"Content-Type": "application/json", **({"X-Forwarded-For": forwarded} if forwarded else {})}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request("POST", "/receipts/lookup", body=json.dumps({"receipt_code": code}), headers=headers)
    status = conn.getresponse().status
    conn.close()
    return status


@pytest.mark.integration
def test_two_processes_on_one_schema_share_one_budget(start, monkeypatch):
    monkeypatch.setenv("WATCHPOST_ANON_BURST", "4")
    monkeypatch.setenv("WATCHPOST_ANON_RATE", "1")
    first = start("intake")
    second = start("intake", DB_SCHEMA=first.container.config["DB_SCHEMA"])
    code = receipts.new_code()
    statuses = [_raw(running.base_url, code) for running in (first, second, first, second)]
    assert statuses == [404] * 4
    assert [_raw(running.base_url, code) for running in (first, second)] == [429, 429]


@pytest.mark.integration
def test_a_forwarded_address_counts_only_from_a_trusted_proxy(start, monkeypatch):
    monkeypatch.setenv("WATCHPOST_ANON_BURST", "2")
    monkeypatch.setenv("WATCHPOST_ANON_RATE", "1")
    monkeypatch.setenv("WATCHPOST_TRUSTED_PROXIES", "127.0.0.2")
    base, path = start("intake").base_url, receipts.new_code()
    # an untrusted peer cannot buy fresh buckets by inventing X-Forwarded-For
    assert [_raw(base, path, forwarded=f"198.51.100.{n}") for n in range(4)] == [404, 404, 429, 429]
    # behind the trusted proxy each client has its own bucket, and the client cannot spoof past the proxy
    assert [_raw(base, path, "127.0.0.2", "203.0.113.1") for _ in range(3)] == [404, 404, 429]
    assert _raw(base, path, "127.0.0.2", "203.0.113.1, 203.0.113.2") == 404
    assert _raw(base, path, "127.0.0.2", "203.0.113.2, 203.0.113.1") == 429  # the proxy appended .1


@pytest.mark.integration
def test_a_signed_in_caller_is_limited_by_subject_over_http_and_rpc(start, monkeypatch):
    from nameko.exceptions import RemoteError
    from nameko.standalone.rpc import ClusterRpcProxy

    monkeypatch.setenv("WATCHPOST_USER_BURST", "3")
    monkeypatch.setenv("WATCHPOST_USER_RATE", "1")
    intake = start("intake")
    token = intake.client.as_("informant", sub="guesser", street="yongquan").token
    other = intake.client.as_("informant", sub="someone-else", street="yongquan").token
    path = receipts.new_code()
    # the subject's bucket follows it from address to address
    assert [_raw(intake.base_url, path, source, token=token) for source in ("127.0.0.1", "127.0.0.3", "127.0.0.4")] == [
        404
    ] * 3
    assert _raw(intake.base_url, path, "127.0.0.5", token=token) == 429
    assert _raw(intake.base_url, path, token=other) == 404
    with ClusterRpcProxy(intake.container.config) as cluster:
        with pytest.raises(RemoteError) as caught:
            cluster.intake.command("lookup_receipt", {"receipt_code": receipts.new_code()}, token=token)
        assert caught.value.exc_type == "RateLimited"
        for _ in range(2):
            with pytest.raises(RemoteError) as caught:
                cluster.intake.command("lookup_receipt", {"receipt_code": receipts.new_code()}, token=other)
            assert caught.value.exc_type == "NotFound"
        with pytest.raises(RemoteError) as caught:
            cluster.intake.command("lookup_receipt", {"receipt_code": receipts.new_code()}, token=other)
        assert caught.value.exc_type == "RateLimited"
