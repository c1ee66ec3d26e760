"""Root conftest: nameko needs eventlet's monkey-patching before anything opens a socket (STACK.md)."""

import eventlet

eventlet.monkey_patch()
