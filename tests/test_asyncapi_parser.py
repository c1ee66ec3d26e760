"""docs/asyncapi.yaml passes the official AsyncAPI parser (`@asyncapi/parser`, installed by `make install` into
tools/asyncapi/ with `npm ci`), with no error and no warning. A machine without node or without the installed parser
fails here: it does not skip."""

import pathlib
import shutil
import subprocess

from watchpost.contracts import asyncapi

ROOT = pathlib.Path(__file__).resolve().parents[1]
VALIDATE = ROOT / "tools" / "asyncapi" / "validate.js"


def parse(path):
    node = shutil.which("node")
    assert node, "node is not on PATH: the AsyncAPI check needs node (20 or later) and `make install`"
    assert (VALIDATE.parent / "node_modules" / "@asyncapi" / "parser").is_dir(), (
        "@asyncapi/parser is not installed: run `make install` (npm ci in tools/asyncapi)"
    )
    return subprocess.run([node, str(VALIDATE), str(path)], capture_output=True, text=True, timeout=120)


def test_the_published_document_passes_the_official_parser():
    done = parse(asyncapi.DOC)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{asyncapi.DOC}: valid" in done.stdout, done.stdout


def test_the_check_fails_on_a_broken_document(tmp_path):
    broken = tmp_path / "asyncapi.yaml"
    text = asyncapi.render()
    broken.write_text(
        text.replace(
            "$ref: '#/components/messages/intake.clue.received'", "$ref: '#/components/messages/intake.clue.nowhere'", 1
        ).replace("contentType: application/json", "contentType: 5", 1),
        encoding="utf-8",
    )
    done = parse(broken)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "INVALID" in done.stdout and "invalid-ref" in done.stdout and "contentType" in done.stdout, done.stdout
