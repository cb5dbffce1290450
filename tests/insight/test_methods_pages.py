"""The method explanations: /methoden/ and /methoden/<slug>/ (Dutch fragments, behind log-in)."""

from __future__ import annotations

import html
import re

import pytest

from django.test import Client

from openveiligheid.insight.views import METHODS

pytestmark = pytest.mark.django_db

#: every method the product uses; a page that disappears should fail here, not go unnoticed
SLUGS = ["ebsmoothing", "hotspots", "ruimte-tijd", "raster", "signalering"]
PAGES = ["/methoden/", *(f"/methoden/{slug}/" for slug in SLUGS)]
DUTCH_WORDS = {"de", "het", "een", "en", "van", "niet", "wordt", "zijn", "met", "die"}


def article_of(page: str) -> str:
    found = re.search(r'<article class="method-text">(.*?)</article>', page, re.S)
    assert found, "no method article on the page"
    return found.group(1)


def paragraphs(fragment: str) -> list[str]:
    return [
        " ".join(html.unescape(re.sub(r"<[^>]+>", "", p)).split())
        for p in re.findall(r"<p>(.*?)</p>", fragment, re.S)
    ]


def test_the_list_names_and_links_every_method(adviseur_client: Client) -> None:
    assert list(METHODS) == SLUGS
    response = adviseur_client.get("/methoden/")
    assert response.status_code == 200
    page = response.content.decode()
    links = re.findall(r'<a class="utrecht-link" href="/methoden/([^/"]+)/">([^<]+)</a>', page)
    assert links == [(slug, html.escape(METHODS[slug][0], quote=False)) for slug in SLUGS]
    for _title, _fragment, summary in METHODS.values():
        assert html.escape(summary, quote=False) in page
    assert '<html lang="nl"' in page


@pytest.mark.parametrize("slug", SLUGS)
def test_each_method_page_renders_its_dutch_explanation(adviseur_client: Client, slug) -> None:
    title, fragment, _summary = METHODS[slug]
    response = adviseur_client.get(f"/methoden/{slug}/")
    assert response.status_code == 200
    assert fragment in [t.name for t in response.templates]
    page = response.content.decode()
    assert f"<title>{html.escape(title, quote=False)} – Open Veiligheid</title>" in page
    article = article_of(page)
    assert f'<h1 class="utrecht-heading-1">{html.escape(title, quote=False)}</h1>' in article
    texts = [p for p in paragraphs(article) if len(p) >= 40]
    assert texts, "no paragraph of explanation"
    words = set(re.findall(r"[a-zé]+", re.sub(r"<[^>]+>", " ", article).lower()))
    assert len(words & DUTCH_WORDS) >= 6, "the explanation does not read as Dutch"
    assert 'href="/methoden/"' in page  # the breadcrumb back to the list


def test_an_unknown_method_is_404(adviseur_client: Client) -> None:
    response = adviseur_client.get("/methoden/bestaat-niet/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client: Client, url) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"/inloggen/?next={url}"


@pytest.mark.parametrize("url", [*PAGES, "/methoden/bestaat-niet/"])
def test_a_user_without_a_role_gets_403(client: Client, nobody, url) -> None:
    client.force_login(nobody)
    response = client.get(url)
    assert response.status_code == 403
    assert "Geen toegang" in response.content.decode()
