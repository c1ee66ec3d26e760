"""`WATCHPOST_AMQP_URI_FILE`: nameko's config.yml cannot read a file, so the services' container class does; the URI
holds the service's broker password, given as a compose or Kubernetes secret."""

from watchpost.runtime.container import Container

GIVEN = "amqp://guest:guest@127.0.0.1:5672//"  # what config.yml makes of an unset WATCHPOST_AMQP_URI


class Service:
    name = "toy"


def test_the_broker_uri_is_read_from_the_file_the_variable_names(tmp_path, monkeypatch):
    secret = tmp_path / "toy_amqp_uri"
    secret.write_text("amqp://watchpost-toy:s3cret@rabbitmq:5672/watchpost\n")
    monkeypatch.delenv("WATCHPOST_AMQP_URI", raising=False)
    monkeypatch.setenv("WATCHPOST_AMQP_URI_FILE", str(secret))
    config = {"AMQP_URI": GIVEN}
    assert Container(Service, config).config["AMQP_URI"] == "amqp://watchpost-toy:s3cret@rabbitmq:5672/watchpost"
    assert config["AMQP_URI"] == GIVEN  # the caller's dict is left alone

    monkeypatch.setenv("WATCHPOST_AMQP_URI", "amqp://u:p@elsewhere:5672/v")  # the variable itself still wins
    assert (
        Container(Service, {"AMQP_URI": "amqp://u:p@elsewhere:5672/v"}).config["AMQP_URI"].endswith("elsewhere:5672/v")
    )


def test_without_the_file_variable_the_config_is_nameko_s(monkeypatch):
    monkeypatch.delenv("WATCHPOST_AMQP_URI_FILE", raising=False)
    assert Container(Service, {"AMQP_URI": GIVEN}).config["AMQP_URI"] == GIVEN
