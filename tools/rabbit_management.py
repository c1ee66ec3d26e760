"""`make test` runs this first: RabbitMQ's management API must answer on 127.0.0.1:15672.

The tests make a throwaway vhost per test through that API (nameko's `rabbit_config` fixture, tests/e2e). It is a
plugin, off on a fresh machine: when the API does not answer, this runs `rabbitmq-plugins enable rabbitmq_management`
and waits until it answers. When it cannot, it says what to do and exits 1. Standard library only.
"""

import base64
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

API = "http://127.0.0.1:15672/api/overview"
AMQP = ("127.0.0.1", 5672)
PLUGINS = ("/usr/sbin/rabbitmq-plugins", "/usr/lib/rabbitmq/bin/rabbitmq-plugins")
AUTH = "Basic " + base64.b64encode(b"guest:guest").decode()


def api_status():
    """200 when the API answers guest/guest, another HTTP status when it refuses, None when nothing answers."""
    request = urllib.request.Request(API, headers={"Authorization": AUTH})
    try:
        with urllib.request.urlopen(request, timeout=3) as answer:
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code
    except OSError:
        return None


def broker_listens():
    try:
        socket.create_connection(AMQP, timeout=3).close()
        return True
    except OSError:
        return False


def fail(message):
    sys.exit(
        f"rabbit_management: {message}\nThe tests make a throwaway vhost per test through RabbitMQ's management "
        "API (http://127.0.0.1:15672, guest/guest)."
    )


def ensure(timeout=90):
    status = api_status()
    if status == 200:
        return "answering"
    if status is not None:
        fail(
            f"{API} answers HTTP {status} to guest/guest: give the guest user access to the management API "
            "(`rabbitmqctl set_user_tags guest administrator`)"
        )
    if not broker_listens():
        fail(
            "RabbitMQ does not answer on 127.0.0.1:5672: start it (`rabbitmq-server -detached`), then run "
            "`make test` again"
        )
    plugins = shutil.which("rabbitmq-plugins") or next((p for p in PLUGINS if os.access(p, os.X_OK)), None)
    if plugins is None:
        fail(
            "the management API does not answer and `rabbitmq-plugins` is not on this machine: enable the "
            "plugin on the broker (`rabbitmq-plugins enable rabbitmq_management`), then run `make test` again"
        )
    print("rabbit_management: the management API does not answer; enabling rabbitmq_management", flush=True)
    done = subprocess.run([plugins, "enable", "rabbitmq_management"], capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        fail(
            f"`{plugins} enable rabbitmq_management` failed (exit {done.returncode}):\n"
            f"{(done.stdout + done.stderr).strip()}\nrun it as a user allowed to manage the broker "
            "(e.g. `sudo rabbitmq-plugins enable rabbitmq_management`), then run `make test` again"
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if api_status() == 200:
            return "enabled"
        time.sleep(1)
    fail(
        f"rabbitmq_management is enabled but {API} did not answer within {timeout} s: see RabbitMQ's log "
        "(/var/log/rabbitmq/)"
    )


if __name__ == "__main__":
    print(f"rabbit_management: the management API is {ensure()} on 127.0.0.1:15672")
