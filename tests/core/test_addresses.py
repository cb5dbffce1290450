"""Which address a request came from: only the proxy's own entry is trusted."""

from __future__ import annotations

from django.test import RequestFactory, override_settings

from openveiligheid.core.addresses import client_address


def _request(**meta):
    return RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", **meta)


def test_without_the_proxy_setting_the_forwarded_header_is_ignored() -> None:
    assert client_address(_request(HTTP_X_FORWARDED_FOR="192.0.2.9")) == "10.0.0.1"


@override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_behind_the_proxy_only_its_last_entry_counts() -> None:
    forged = _request(HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.9")
    assert client_address(forged) == "192.0.2.9"
    assert client_address(_request()) == "10.0.0.1"
    assert client_address(None) == ""
