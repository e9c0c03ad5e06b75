"""May the server connect to this URL? One answer for every request the server sends
on a user's behalf (webhooks today).

A user-supplied URL is hostile: pointed at 127.0.0.1, a private network or the cloud's
metadata service (169.254.169.254), it would make the server a proxy into places only
the server can reach. So:

- only http and https;
- the host is resolved and EVERY address it resolves to must be public (a name that
  resolves to one public and one private address is refused: the resolver, not the
  user, would pick which one is dialled);
- the check is made again when the connection is opened, against the addresses that
  are then dialled, in the same step (`guarded_session`): a name that resolved to a
  public address when the URL was saved and to 127.0.0.1 later (DNS rebinding) is
  refused, and the socket is opened to the very address that was checked;
- redirects are not followed (callers pass allow_redirects=False), and proxies from
  the environment are ignored, since either would send the request to a target that
  was never checked.

An operator lets the server reach chosen internal targets with
WHETSTONE_OUTBOUND_ALLOWLIST: CIDRs (10.1.2.0/24, 127.0.0.1/32) and host names
(hooks.corp.internal), comma separated; empty by default.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection as urllib3_connection

ALLOWED_SCHEMES = ("http", "https")

# Names that mean "this machine" or "the cloud's metadata service" whatever DNS says.
BLOCKED_HOSTNAMES = frozenset({
    "localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback",
    "metadata", "metadata.google.internal", "instance-data", "instance-data.ec2.internal",
})
# Suffixes reserved for names that never point at the public internet.
BLOCKED_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa")

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_METADATA = ipaddress.ip_address("169.254.169.254")
# Not globally reachable per the IANA special-purpose registries, whatever this Python's
# ipaddress tables say (they were corrected over 3.11 and 3.12 releases).
_SPECIAL_PURPOSE = tuple(ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
    "255.255.255.255/32", "100::/64", "2001::/23", "2001:db8::/32", "5f00::/16",
))
_PRIVATE = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"))
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class OutboundRefused(Exception):
    """The server will not connect there; the message names the rule."""


class HostUnresolvable(Exception):
    """The host name does not resolve (now); nothing can be said about where it points."""


@dataclass(frozen=True)
class Allowlist:
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
    hosts: frozenset[str]

    def allows_host(self, host: str) -> bool:
        return host in self.hosts

    def allows_address(self, address: IPAddress) -> bool:
        return any(address.version == net.version and address in net for net in self.networks)


def allowlist() -> Allowlist:
    entries = getattr(settings, "WHETSTONE_OUTBOUND_ALLOWLIST", None) or []
    if isinstance(entries, str):
        entries = entries.split(",")
    networks, hosts = [], set()
    for entry in (e.strip().lower() for e in entries):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
        except ValueError:
            hosts.add(_normalize_host(entry))
    return Allowlist(tuple(networks), frozenset(hosts))


def _normalize_host(host: str) -> str:
    host = host.strip().lower().rstrip(".")
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form carries (::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::a.b.c.d, 6to4, Teredo):
    a packet to it may well end up at that IPv4 address, so it is judged as that address."""
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address.sixtofour:
        return address.sixtofour
    if address.teredo:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if int(address) >> 32 == 0 and int(address) > 1:  # deprecated IPv4-compatible ::a.b.c.d
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_refusal(address: IPAddress) -> str | None:
    """Why the server may not connect to `address`, or None when it is a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            return "an IPv6 address with a zone (interface-local)"
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            reason = address_refusal(embedded)
            return f"{reason} (inside the IPv6 address {address})" if reason else None
    if address.is_unspecified:
        return "an unspecified address (0.0.0.0 / ::)"
    if address.is_loopback:
        return "a loopback address (this machine)"
    if address == _METADATA:
        return "the cloud metadata service (link-local 169.254.169.254)"
    if address.is_link_local:
        return "a link-local address (169.254.0.0/16, fe80::/10)"
    if address.is_multicast:
        return "a multicast address"
    if isinstance(address, ipaddress.IPv4Address) and address in _CGNAT:
        return "a shared (carrier-grade NAT) address (100.64.0.0/10)"
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        return "a site-local address (fec0::/10)"
    if address.is_reserved:
        return "a reserved address"
    if any(address.version == net.version and address in net for net in _PRIVATE):
        return "a private address (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7)"
    if address.is_private or not address.is_global or any(
            address.version == net.version and address in net for net in _SPECIAL_PURPOSE):
        return "a special-purpose address, not a public internet address"
    return None


def _literal_address(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%")[0])
    except ValueError:
        pass
    # The resolver also reads 2130706433, 0x7f.1 and 127.1 as 127.0.0.1: judge them as that.
    if host and all(c in "0123456789abcdefx." for c in host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            pass
    return None


def _host_refusal(host: str) -> str | None:
    if host in BLOCKED_HOSTNAMES or host.endswith(BLOCKED_SUFFIXES):
        return f"the host name {host!r} is reserved for this machine or an internal network"
    if "." not in host:
        return f"the host name {host!r} is a single label, which resolves only inside a local network"
    return None


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to, in the resolver's order, duplicates dropped."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise HostUnresolvable(f"the host {host!r} could not be resolved ({exc})") from exc
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canon, sockaddr in answers:
        address = ipaddress.ip_address(sockaddr[0].split("%")[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise HostUnresolvable(f"the host {host!r} resolves to no address")
    return addresses


def checked_addresses(host: str, port: int) -> list[IPAddress]:
    """Resolve `host` once and return its addresses, or OutboundRefused naming the rule
    if any of them may not be reached. Connect to these, not to the name again."""
    host = _normalize_host(host)
    rules = allowlist()
    literal = _literal_address(host)
    if literal is None and not rules.allows_host(host):
        refusal = _host_refusal(host)
        if refusal:
            raise OutboundRefused(f"Refused: {refusal}. {_ALLOWLIST_HINT}")
    addresses = [literal] if literal is not None else resolve(host, port)
    if rules.allows_host(host):
        return addresses
    for address in addresses:
        refusal = address_refusal(address)
        if refusal and not rules.allows_address(address):
            shown = host if literal is not None else f"{host} (resolves to {address})"
            raise OutboundRefused(f"Refused: {shown} is {refusal}. {_ALLOWLIST_HINT}")
    return addresses


_ALLOWLIST_HINT = ("The server sends requests to public internet addresses only; an operator can allow an "
                   "internal target with WHETSTONE_OUTBOUND_ALLOWLIST.")


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int


def parse_target(url: str) -> Target:
    """The scheme, host and port of `url`, or OutboundRefused if it is not an http(s) URL to a host."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise OutboundRefused(f"Refused: {url!r} is not a valid URL ({exc}).") from exc
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise OutboundRefused(f"Refused: only http:// and https:// URLs are allowed, not {scheme or 'no'} scheme.")
    if not parts.hostname:
        raise OutboundRefused(f"Refused: {url!r} names no host.")
    return Target(scheme, _normalize_host(parts.hostname), port or (443 if scheme == "https" else 80))


def check_url(url: str) -> list[IPAddress]:
    """OutboundRefused if the server may not connect to `url` now; HostUnresolvable if its
    host does not resolve. Returns the checked addresses."""
    target = parse_target(url)
    return checked_addresses(target.host, target.port)


# --- connections that dial only checked addresses ---------------------------------------

class _GuardedConnectionMixin:
    """Resolve, check every address, and dial a checked address: no second lookup between
    the check and the connect for DNS to change its answer in."""

    def _new_conn(self):
        try:
            addresses = checked_addresses(self._dns_host, self.port)
        except HostUnresolvable as exc:
            raise NameResolutionError(self.host, self, socket.gaierror(str(exc))) from exc
        last_error: OSError | None = None
        for address in addresses:
            try:
                return urllib3_connection.create_connection(
                    (str(address), self.port), self.timeout, source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except TimeoutError as exc:
                raise ConnectTimeoutError(
                    self, f"Connection to {self.host} timed out. (connect timeout={self.timeout})") from exc
            except OSError as exc:
                last_error = exc
        raise NewConnectionError(self, f"Failed to establish a new connection: {last_error}")


class GuardedHTTPConnection(_GuardedConnectionMixin, HTTPConnection):
    pass


class GuardedHTTPSConnection(_GuardedConnectionMixin, HTTPSConnection):
    pass  # TLS still verifies the certificate against, and sends SNI for, the URL's host name


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        raise OutboundRefused("Refused: requests to user-supplied URLs are never sent through a proxy.")


def guarded_session() -> requests.Session:
    """A requests session that connects only where `checked_addresses` allows.
    Send with allow_redirects=False: a redirect is a new, unchecked URL."""
    session = requests.Session()
    session.trust_env = False  # HTTP(S)_PROXY would dial the proxy, not the checked address
    adapter = GuardedAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def post(url: str, **kwargs) -> requests.Response:
    """POST to a user-supplied URL: checked, pinned to the checked address, no redirects.
    Raises OutboundRefused, or requests.RequestException as requests.post would."""
    parse_target(url)
    with guarded_session() as session:
        # stream=True: the answer's body is not read unless the caller reads it.
        return session.post(url, allow_redirects=False, stream=True, **kwargs)
