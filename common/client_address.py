"""The client's address, as the lockout and the access log see it.

Behind the documented reverse proxy every request comes from the proxy. TRUSTED_PROXIES lists the
proxies (addresses or networks) whose `X-Forwarded-For` is believed: walking the header from the
right, the first address that is not a trusted proxy is the client. A request that does not come
from a trusted proxy keeps REMOTE_ADDR, so a client cannot choose its own address by sending the
header.
"""
import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _parse(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_address(request) -> str | None:
    """The client's address as text, or None when REMOTE_ADDR is malformed."""
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _trusted(remote, networks):
        return str(remote)
    chain = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for part in reversed(chain):
        address = _parse(part)
        if address is None:
            break  # a malformed hop: believe nothing further left, keep the last good one
        if not _trusted(address, networks):
            return str(address)
        remote = address
    return str(remote)
