"""A small client of an OpenAI-compatible chat server (Ollama, llama.cpp's server, vLLM, LM Studio),
standard library only, refusing any address beyond this machine unless remote use is allowed.

Every failure (refused, no server, time-out, HTTP error, output that is not the API's JSON) is raised as
one `LLMError` with a one-line reason, so callers fall back to the quoted answer instead of a traceback.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from procqa.config import Settings


class LLMError(RuntimeError):
    """The model could not be used for this answer; the message says why in one line."""


class RemoteRefused(LLMError):
    """The configured URL is not on this machine and remote use was not allowed."""


def is_loopback(host: str | None) -> bool:
    """Only literal loopback addresses and `localhost` count: a name is never resolved to decide, since
    resolving it would itself be a lookup beyond this machine."""
    if not host:
        return False
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]").split("%")[0]).is_loopback
    except ValueError:
        return False


def check_url(url: str, allow_remote: bool) -> str:
    """The base URL, validated: http(s), a host, loopback unless allowed. Raises LLMError otherwise."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LLMError(f"PROCQA_LLM_URL {url!r} is not an http(s) URL, e.g. http://127.0.0.1:11434/v1")
    if not allow_remote and not is_loopback(parts.hostname):
        raise RemoteRefused(
            f"PROCQA_LLM_URL points at {parts.hostname}, not this machine; questions would leave it. "
            "Set PROCQA_LLM_ALLOW_REMOTE=1 to allow that."
        )
    return url.strip().rstrip("/")


def remote(settings: Settings) -> bool:
    """A model is configured, remote use is allowed and the URL is not on this machine: the app says so."""
    host = urlsplit(settings.llm_url).hostname
    return bool(configured(settings) and settings.llm_allow_remote and not is_loopback(host))


def configured(settings: Settings) -> bool:
    return bool(settings.llm_url and settings.llm_model)


@dataclass(frozen=True)
class Client:
    base_url: str
    model: str
    timeout_s: float
    connect_timeout_s: float
    max_tokens: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Client:
        if not configured(settings):
            raise LLMError("no model configured: set PROCQA_LLM_URL and PROCQA_LLM_MODEL")
        url = check_url(settings.llm_url, settings.llm_allow_remote)
        return cls(
            url,
            settings.llm_model,
            settings.llm_timeout_s,
            settings.llm_connect_timeout_s,
            settings.llm_max_tokens,
        )

    def stream(self, messages: list[dict], grammar: str | None = None) -> Iterator[str]:
        """The reply's text as it arrives (server-sent events of `chat/completions` with stream on).
        `timeout_s` bounds the whole reply, so a server that trickles forever is cut off too.
        `grammar`: a llama.cpp grammar the reply must follow (only servers that take one)."""
        body = {
            "model": self.model,
            "messages": messages,
            "stream": True,
            "temperature": 0,
            "max_tokens": self.max_tokens,
        }
        if grammar:
            body["grammar"] = grammar
        deadline = time.monotonic() + self.timeout_s
        response = self._open("/chat/completions", body)
        got_any = False
        try:
            for raw in response:
                if time.monotonic() > deadline:
                    raise LLMError(f"the model took longer than {self.timeout_s:g} s")
                line = raw.decode("utf-8", errors="replace").strip()
                if not line.startswith("data:"):
                    continue
                data = line[5:].strip()
                if data == "[DONE]":
                    break
                try:
                    delta = json.loads(data)["choices"][0].get("delta", {}).get("content") or ""
                except (json.JSONDecodeError, KeyError, IndexError, TypeError, AttributeError) as exc:
                    raise LLMError("the model server sent something that is not a chat reply") from exc
                got_any = True
                if delta:
                    yield delta
        except TimeoutError as exc:
            raise LLMError(f"the model did not answer within {self.timeout_s:g} s") from exc
        except (OSError, urllib.error.URLError) as exc:
            raise LLMError(f"the connection to the model server broke: {exc}") from exc
        finally:
            response.close()
        if not got_any:
            raise LLMError("the model server sent an empty reply")

    def models(self) -> list[str]:
        """The model names the server offers (GET /models): a cheap check that it is up."""
        response = self._open("/models", None)
        try:
            data = json.loads(response.read())
            return [m["id"] for m in data.get("data", [])]
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise LLMError("the model server's /models reply is not the API's JSON") from exc
        finally:
            response.close()

    def _open(self, path: str, body: dict | None):
        request = urllib.request.Request(
            self.base_url + path,
            data=None if body is None else json.dumps(body).encode("utf-8"),
            headers={"Content-Type": "application/json", "Accept": "text/event-stream, application/json"},
            method="GET" if body is None else "POST",
        )
        # No proxies: an http_proxy variable must not route a question off this machine.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        parts = urlsplit(self.base_url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            # Connect quickly or not at all; then each read waits at most `timeout_s`.
            socket.create_connection((parts.hostname, port), self.connect_timeout_s).close()
        except OSError as exc:
            raise LLMError(f"no model server at {self.base_url} ({exc.strerror or exc})") from exc
        try:
            return opener.open(request, timeout=self.timeout_s)
        except urllib.error.HTTPError as exc:
            raise LLMError(f"the model server answered HTTP {exc.code} ({exc.reason})") from exc
        except TimeoutError as exc:
            raise LLMError(f"the model did not answer within {self.timeout_s:g} s") from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise LLMError(f"no model server at {self.base_url} ({reason})") from exc
