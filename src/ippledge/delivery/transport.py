"""The relay's HTTP client (投递连接): posts only where the target policy allows, to the very address it checked.

Checking a host name and then letting the HTTP library resolve it again leaves a gap (DNS rebinding, DNS 重绑定): a
name server that answers a public address to the check and ``127.0.0.1`` to the connection. Here the name is
resolved once, every address is checked, and the connection goes to a checked address, with the original ``Host``
header and TLS server name (SNI), so certificates are still verified against the name. Redirects are never followed
(a 3xx is a failed attempt) and proxy environment variables are ignored (a proxy would resolve the name itself).
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections import OrderedDict
from collections.abc import Callable, Sequence

import httpx

from ippledge.delivery.model import TargetPolicy

Resolver = Callable[[str], Sequence[str]]
POOLS = 64  # hosts with a connection pool of their own kept at once


def system_resolve(host: str) -> list[str]:
    """Every address the system resolver gives for ``host``, in its order of preference, once each."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class TargetRefused(httpx.TransportError):
    """The host resolves to an address webhooks may not reach; nothing was sent."""


class GuardedTransport(httpx.BaseTransport):
    """Resolves, checks and connects to the checked address. ``inner`` (tests) receives the rewritten request;
    without it each host gets its own pooled :class:`httpx.HTTPTransport` (a pool keyed by address alone would send one
    host's request down a TLS connection opened for another host on the same address)."""

    def __init__(
        self,
        policy: TargetPolicy,
        resolve: Resolver = system_resolve,
        inner: httpx.BaseTransport | None = None,
        verify: ssl.SSLContext | None = None,
    ):
        self.policy, self.resolve, self.inner = policy, resolve, inner
        self._pools: OrderedDict[str, httpx.HTTPTransport] = OrderedDict()
        # SSL_CERT_FILE / SSL_CERT_DIR still count (an intranet CA); only proxies from the environment do not.
        self._ssl = verify  # made on first use when not given

    def _addresses(self, host: str, request: httpx.Request) -> list[str]:
        try:
            return [str(ipaddress.ip_address(host))]
        except ValueError:
            pass
        try:
            found = list(self.resolve(host))
        except OSError as exc:
            raise httpx.ConnectError(f"cannot resolve {host}: {exc}", request=request) from None
        if not found:
            raise httpx.ConnectError(f"{host} has no address", request=request)
        return found

    def _transport(self, host: str) -> httpx.BaseTransport:
        if self.inner is not None:
            return self.inner
        pool = self._pools.get(host)
        if pool is None:
            if self._ssl is None:
                self._ssl = httpx.create_ssl_context(trust_env=True)
            pool = self._pools[host] = httpx.HTTPTransport(verify=self._ssl, trust_env=False, retries=0)
            if len(self._pools) > POOLS:
                self._pools.popitem(last=False)[1].close()
        self._pools.move_to_end(host)
        return pool

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        addresses = self._addresses(host, request)
        refused = self.policy.first_refusal(addresses)
        if refused is not None:
            raise TargetRefused(refused, request=request)
        if request.url.scheme == "https":
            request.extensions = {**request.extensions, "sni_hostname": host}
        original = request.url
        transport = self._transport(host)
        for n, address in enumerate(addresses, 1):
            request.url = original.copy_with(host=address)  # the Host header keeps the name
            try:
                return transport.handle_request(request)
            except httpx.ConnectError:  # nothing was sent: the next checked address may answer
                if n == len(addresses):
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        for pool in self._pools.values():
            pool.close()
        self._pools.clear()
        if self.inner is not None:
            self.inner.close()


class WebhookClient(httpx.Client):
    """The only client the relay sends with (:func:`ippledge.delivery.service.deliver_due` requires it). ``verify``:
    the TLS context (default: the system's CAs, ``SSL_CERT_FILE``/``SSL_CERT_DIR`` honoured)."""

    def __init__(
        self,
        targets: TargetPolicy | None = None,
        resolve: Resolver = system_resolve,
        inner: httpx.BaseTransport | None = None,
        verify: ssl.SSLContext | None = None,
    ) -> None:
        self.targets = targets or TargetPolicy()
        super().__init__(
            transport=GuardedTransport(self.targets, resolve, inner, verify), follow_redirects=False, trust_env=False
        )
