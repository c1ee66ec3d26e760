"""PDFs are parsed in a child process with a time and a memory limit: a hostile file (deep nesting, a
decompression bomb, huge object streams) costs the child, never the service, and ends in a 422.

The child (`python -m intake.pdf_sandbox LIMIT_BYTES`) sets its own address-space and CPU limits before it reads
the file from stdin, then writes the stripped document to stdout (exit 0), or exits 3 (encrypted) or 4
(unreadable). The parent waits at most `seconds` (green under eventlet: other requests are answered meanwhile) and
kills the child after that. Each call starts one child; at most `parallel` run at once, the rest wait their turn.
"""

import functools
import resource
import subprocess
import sys
import threading

from watchpost.errors import Invalid

ENCRYPTED, UNREADABLE = 3, 4
DEFAULT_SECONDS, DEFAULT_MEMORY_MIB, PARALLEL = 10, 512, 2


@functools.cache
def _slots():
    """Made at first use, after eventlet has patched `threading` (a waiting request then yields, not blocks)."""
    return threading.BoundedSemaphore(PARALLEL)


class Sandbox:
    def __init__(self, seconds=DEFAULT_SECONDS, memory_mib=DEFAULT_MEMORY_MIB):
        self.seconds, self.memory = seconds, memory_mib * 1024 * 1024

    def strip(self, data):
        """The stripped PDF, or `Invalid` (422) saying why it was refused."""
        with _slots():
            child = subprocess.Popen(
                [sys.executable, "-m", "intake.pdf_sandbox", str(self.memory), str(self.seconds)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
            try:
                out, _ = child.communicate(data, timeout=self.seconds)
            except subprocess.TimeoutExpired:
                child.kill()
                child.communicate()
                raise Invalid(
                    f"the PDF could not be read within {self.seconds} s (too complex or hostile); "
                    "attach a simpler file, e.g. print it to a new PDF",
                    field="data",
                    limit="time",
                    seconds=self.seconds,
                ) from None
        if child.returncode == 0:
            return out
        if child.returncode == ENCRYPTED:
            raise Invalid("the PDF is encrypted; attach it without a password", field="data")
        if child.returncode == UNREADABLE:
            raise Invalid("data is not a PDF that can be read", field="data")
        raise Invalid(
            f"the PDF could not be read within {self.memory // (1024 * 1024)} MiB of memory and "
            f"{self.seconds} s (too complex or hostile); attach a simpler file",
            field="data",
            limit="memory_or_time",
            memory_mib=self.memory // (1024 * 1024),
            seconds=self.seconds,
        )


def _child(memory, seconds):
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    sys.setrecursionlimit(2000)
    from intake.attachments import strip_pdf

    data = sys.stdin.buffer.read()
    try:
        out = strip_pdf(data)
    except Invalid as refused:
        sys.exit(ENCRYPTED if "encrypted" in refused.message else UNREADABLE)
    sys.stdout.buffer.write(out)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _child(int(sys.argv[1]), int(sys.argv[2]))
