"""404 and 500 pages: the site's layout, in the visitor's language, with a way on."""

from __future__ import annotations

import pytest
from django.test import Client
from django.views.defaults import server_error


@pytest.fixture
def production(settings):
    settings.DEBUG = False


def test_a_missing_page_is_the_styled_chinese_404_with_links(db, production):
    response = Client().get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert 'id="not-found"' in page and "找不到这个页面" in page and 'href="/repair/"' in page


def test_the_404_follows_the_chosen_language(db, production):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/no-such-page/").content.decode()
    assert 'lang="en"' in page and "找不到这个页面" not in page


def test_the_500_page_renders_without_a_request_context(rf):
    response = server_error(rf.get("/"))
    page = response.content.decode()
    assert response.status_code == 500 and 'id="server-error"' in page and 'href="/repair/"' in page
