"""Syncthing's REST API, spoken with urllib: every answer read no further than a bound and
decoded as bounded JSON, so an instance that misbehaves costs no more than the bound."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from expressive.i18n import N_, _
from expressive.limits import MEGABYTE, InputRefused, load_json_bounded

from .engine import SyncError

# The whole configuration of a clinic's instance with many folders and devices is far
# below this; a page of events (at most EVENTS_PER_CALL) too.
MAX_ANSWER_BYTES = 16 * MEGABYTE
# Slack added to a long poll's own timeout before urllib gives up on the answer.
_POLL_SLACK_S = 15
SYNCTHING_ANSWER = N_("Syncthing's answer")


class RestUnreachable(SyncError):
    """Nothing answered at the address (not started yet, or stopped)."""


class Rest:
    """Calls to one Syncthing instance at `url` ("http://127.0.0.1:PORT") with its API key."""

    def __init__(self, url: str, api_key: str, *, timeout: float = 30) -> None:
        self.url = url.rstrip("/")
        self._api_key = api_key
        self._timeout = timeout

    def get(self, path: str, timeout: float | None = None, **query: Any) -> Any:
        return self.call("GET", path, query=query, timeout=timeout)

    def put(self, path: str, body: Any) -> Any:
        return self.call("PUT", path, body=body)

    def post(self, path: str, **query: Any) -> Any:
        return self.call("POST", path, query=query)

    def delete(self, path: str) -> Any:
        return self.call("DELETE", path)

    def call(self, method: str, path: str, *, query: dict[str, Any] | None = None, body: Any = None,
             timeout: float | None = None) -> Any:
        """The decoded answer (None when empty). RestUnreachable when nothing listens;
        SyncError for a refusal, with Syncthing's own reason."""
        address = self.url + path
        if query:
            address += "?" + urllib.parse.urlencode({key: value for key, value in query.items() if value is not None})
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(address, data=data, method=method, headers={
            "X-API-Key": self._api_key, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout or self._timeout) as answer:
                raw = answer.read(MAX_ANSWER_BYTES + 1)
        except urllib.error.HTTPError as error:
            reason = error.read(4096).decode("utf-8", "replace").strip() or error.reason
            raise SyncError(_("Syncthing refused {method} {path}: {reason}").format(
                method=method, path=path, reason=reason)) from None
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            raise RestUnreachable(_("Syncthing does not answer at {url} ({reason}).").format(
                url=self.url, reason=getattr(error, "reason", error))) from None
        if not raw.strip():
            return None
        try:
            return load_json_bounded(raw, max_bytes=MAX_ANSWER_BYTES, what=SYNCTHING_ANSWER)
        except InputRefused as error:
            raise SyncError(str(error)) from None

    def long_poll(self, path: str, seconds: int, **query: Any) -> Any:
        """A call that Syncthing holds open for up to `seconds` (the events)."""
        return self.call("GET", path, query={**query, "timeout": seconds}, timeout=seconds + _POLL_SLACK_S)

    def answers(self) -> bool:
        try:
            self.get("/rest/system/ping", timeout=5)
        except SyncError:
            return False
        return True
