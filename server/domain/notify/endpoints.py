"""Where Web Push may post: https endpoints whose host resolves to public addresses only.

A subscription's endpoint comes from the phone, so without this check anyone signed in
could make the server post to its own network: a database, a cloud metadata address, a
router's admin page. The endpoint is checked when it is stored, and again on every
delivery, at the moment of connecting: the connection goes to an address that was just
resolved and found public, so a name that later resolves elsewhere (DNS rebinding) gains
nothing. Redirects are not followed.

ROUNDS_PUSH_ALLOW_PRIVATE_ENDPOINTS turns the address check off (and allows plain http
to this machine) for a push service on a private network, or the tests' stand-in.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

import anyio
import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPSConnection
from urllib3.connectionpool import HTTPSConnectionPool
from urllib3.exceptions import NameResolutionError, NewConnectionError
from urllib3.util.connection import create_connection

from server.errors import PushEndpointNotPublic

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, Teredo, NAT64), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(address: str) -> bool:
    """Globally routable unicast: not loopback, private, link-local, shared, reserved,
    multicast or unspecified, in IPv4 or IPv6 (nor IPv4 hidden in IPv6)."""
    ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and (embedded := _embedded_ipv4(ip)) is not None:
        ip = embedded
    return ip.is_global and not ip.is_multicast


def is_https(endpoint: str) -> bool:
    return urlsplit(endpoint).scheme == "https"


def _refuse(host: str, why: str) -> PushEndpointNotPublic:
    return PushEndpointNotPublic(
        f"The push endpoint's host {host} {why}; Web Push goes only to public push services.",
        host=host,
    )


def _checked(host: str, infos: list[Any]) -> list[str]:
    addresses = [str(info[4][0]) for info in infos]
    private = [address for address in addresses if not is_public(address)]
    if private or not addresses:
        raise _refuse(host, f"resolves to a non-public address ({', '.join(private)})")
    return addresses


async def check_endpoint_host(endpoint: str) -> None:
    """Refuse an endpoint whose host does not resolve, or resolves to any non-public address."""
    parts = urlsplit(endpoint)
    host = parts.hostname or ""
    try:
        infos = await anyio.getaddrinfo(host, parts.port or 443, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise _refuse(host, "does not resolve") from exc
    _checked(host, list(infos))


class _PublicHTTPSConnection(HTTPSConnection):
    """Connects only to public addresses, resolved here, once, for this connection."""

    def _new_conn(self) -> socket.socket:
        try:
            infos = socket.getaddrinfo(self._dns_host, self.port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc
        failure: OSError | None = None
        for address in _checked(self.host, infos):
            try:
                return create_connection(
                    (address, self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except OSError as exc:
                failure = exc
        raise NewConnectionError(self, f"Failed to establish a new connection: {failure}")


class _PublicHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PublicHTTPSConnection


class _PublicAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"https": _PublicHTTPSPool}


def delivery_session(*, allow_private: bool) -> requests.Session:
    """A session for one push POST: no redirects, and (by default) public addresses only."""
    session = requests.Session()
    session.max_redirects = 0
    if not allow_private:
        session.mount("https://", _PublicAdapter())
    return session
