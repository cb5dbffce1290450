"""Links to an area: a wijk or buurt to its profile, a gemeente to the Overzicht (the
Monitor's gemeente link gave a 404: profiles exist only for wijken and buurten)."""

import pytest

from django.test import Client

from openveiligheid.ui.links import profile_href


def test_wijken_and_buurten_link_to_their_profile() -> None:
    assert profile_href("BU00140000", 2024) == "/gebied/BU00140000/?indeling=2024"
    assert profile_href("WK001400", 2017).startswith("/gebied/WK001400/")


@pytest.mark.django_db
def test_every_link_of_the_monitor_opens(plan, adviseur) -> None:
    """Crawl the Monitor's area links (gemeente signals included): none is a 404."""
    import re

    client = Client()
    client.force_login(adviseur)
    html = client.get("/monitor/").content.decode()
    links = set(re.findall(r'href="(/(?:gebied/[^"]*|))"', html))
    assert "/" in links or any(link.startswith("/gebied/") for link in links)
    for link in sorted(links):
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link
