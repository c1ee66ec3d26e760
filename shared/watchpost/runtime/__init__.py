"""nameko at the edge: dependency providers and the `expose` decorator that give every service the same shape."""

from watchpost.runtime.deps import EventLog, LogContext, Settings, WatchpostService
from watchpost.runtime.expose import expose
from watchpost.runtime.web import Route, route_makers

__all__ = ["EventLog", "LogContext", "Settings", "WatchpostService", "expose", "Route", "route_makers"]
