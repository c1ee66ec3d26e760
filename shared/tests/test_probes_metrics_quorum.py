"""Issue 17, what ops see: `/health/live` and `/health/ready` answer without a token; probing does not open a broker
connection per probe; `/metrics` is the Prometheus text format with commands by name and outcome and their
latency; with BROKER_CLUSTER on, every queue a service declares for itself is a quorum queue, and it still works."""

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families
from toy_service import ToyService

from watchpost.domain import Change
from watchpost.runtime import EventLog, WatchpostService, expose
from watchpost.testing import publish_as_relay, wait_for

pytestmark = pytest.mark.integration


def started(container_factory, cls, config):
    container = container_factory(cls, config)
    container.start()
    return container


def connections(rabbit_manager, vhost):
    return [c for c in rabbit_manager.get_connections() if c["vhost"] == vhost]


def test_probes_answer_without_a_token_and_keep_one_broker_connection(
    container_factory, service_config, client_for, rabbit_manager
):
    config = service_config()
    base = client_for(started(container_factory, ToyService, config)).base_url
    live = requests.get(f"{base}/health/live", timeout=10)
    assert live.status_code == 200 and live.json() == {"service": "toy", "status": "alive"}
    ready = requests.get(f"{base}/health/ready", timeout=10)
    assert ready.status_code == 200 and ready.json()["checks"] == {"database": "ok", "broker": "ok"}
    assert "amqp" not in ready.text and "postgresql" not in ready.text and "guest" not in ready.text
    before = wait_for(lambda: connections(rabbit_manager, config["vhost"]), what="the management API lists them")
    for _ in range(10):
        assert requests.get(f"{base}/health", timeout=10).status_code == 200
        assert requests.get(f"{base}/health/ready", timeout=10).status_code == 200
    after = connections(rabbit_manager, config["vhost"])
    assert len(after) <= len(before) + 1  # at most the probe's own, kept (the API may list it late)


def scraped(base_url):
    """{(metric, labels): value} of one scrape of `/metrics`."""
    answer = requests.get(f"{base_url}/metrics", timeout=10)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/plain; version=")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(answer.text)
        for s in family.samples
    }


def test_metrics_count_commands_by_name_and_outcome_in_the_prometheus_format(
    container_factory, service_config, client_for
):
    client = client_for(started(container_factory, ToyService, service_config()))
    before = scraped(client.base_url)  # the counters are the process's: other tests' toys counted too
    secretary = client.as_("district_commission")
    assert secretary.post("/clues", {"clue_id": "c1", "summary": "s"}).status_code == 201
    assert secretary.post("/clues", {"clue_id": "c1", "summary": "s"}).status_code == 409
    assert client.post("/clues", {"clue_id": "c2", "summary": "s"}).status_code == 401
    after = scraped(client.base_url)

    def added(metric, **labels):
        key = (metric, tuple(sorted({"service": "toy", **labels}.items())))
        return after.get(key, 0) - before.get(key, 0)

    assert added("watchpost_commands_total", name="receive_clue", outcome="ok") == 1
    assert added("watchpost_commands_total", name="receive_clue", outcome="conflict") == 1
    assert added("watchpost_commands_total", name="receive_clue", outcome="unauthenticated") == 1
    assert added("watchpost_request_seconds_count", name="receive_clue") == 3
    assert after[("watchpost_log_head", (("service", "toy"),))] == 1
    assert after[("watchpost_up", (("service", "toy"),))] == 1
    assert ("watchpost_relay_lag", (("service", "toy"),)) in after


def noted(tx, ctx, event):
    tx.append(
        f"noted-{event.payload['n']}",
        None,
        [Change("thing.noted", {"n": event.payload["n"]})],
        actor=ctx.actor.as_event_field(),
        correlation_id=ctx.correlation_id,
        command_id=ctx.command_id,
    )


@expose([], {})
class Upstream(WatchpostService):
    name = "upstream"
    store = EventLog(relay=False)


@expose([], {}, consumes={"upstream": {"thing.happened": noted}})
class Downstream(WatchpostService):
    name = "downstream"
    store = EventLog(relay=False)


def test_on_a_cluster_the_queues_a_service_declares_are_quorum_queues_and_work(
    container_factory, service_config, rabbit_manager
):
    source_config, config = service_config(DB_POOL=4), service_config(DB_POOL=6, BROKER_CLUSTER="true")
    source = next(
        e for e in started(container_factory, Upstream, source_config).extensions if isinstance(e, EventLog)
    ).store
    downstream = next(
        e for e in started(container_factory, Downstream, config).extensions if isinstance(e, EventLog)
    ).store
    types = {q["name"]: q["type"] for q in rabbit_manager.get_queues(config["vhost"])}
    own = [
        "rpc-downstream",
        "evt-upstream-#--downstream.consume_upstream",
        "downstream.dead-letter",
        "downstream.parked",
    ]
    assert {name: types.get(name) for name in own} == dict.fromkeys(own, "quorum")
    for n in (1, 2):
        source.append(
            f"thing-{n}",
            None,
            [Change("thing.happened", {"n": n})],
            actor={"id": "c", "role": "district_commission"},
            correlation_id=f"c{n}",
        )
    publish_as_relay(config["AMQP_URI"], "upstream", source.read_after(0, 1))
    wait_for(lambda: downstream.consumed_position("upstream") == 1, what="a message through the quorum queue")
    publish_as_relay(config["AMQP_URI"], "upstream", [source.read_after(0, 1)[0]._replace(hash="0" * 64)])
    wait_for(lambda: downstream.consumed_position("upstream") == 2, what="the forgery set aside, event 2 caught up")
    assert types.get("upstream") is None  # no queue of the source's is declared by the consumer
