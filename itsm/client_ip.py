"""The client's address, for login throttling (django-axes) and the audit log.

Behind the customer's TLS proxy every request comes from the proxy's address, so
throttling by address locked an account for everyone. `X-Forwarded-For` is believed only
when the request really came from a trusted proxy (`TRUSTED_PROXIES`), and then the
rightmost address that is not itself a trusted proxy is the client: a client can prepend
whatever it likes to the header, but not what the proxies appended after it.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


def trusted_networks():
    return [ipaddress.ip_network(n.strip(), strict=False) for n in settings.TRUSTED_PROXIES]


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    if not settings.BEHIND_TLS_PROXY or not remote:
        return remote
    networks = trusted_networks()
    if not _trusted(remote, networks):
        return remote  # not through our proxy: the header is the client's own claim
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed([a for a in forwarded if a]):
        if not _trusted(address, networks):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return remote  # garbage in the header: fall back to the proxy
    return remote
