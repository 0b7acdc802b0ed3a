"""compsite.urls_absolute: the one way the site builds an absolute URL."""

import pytest

from compsite.urls_absolute import absolute, site_host


def test_absolute_puts_the_path_on_site_url():
    assert absolute("/compare/a-vs-b/") == "https://verdicts.example/compare/a-vs-b/"
    assert site_host() == "verdicts.example"


def test_absolute_follows_the_setting_not_a_cached_copy(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert absolute("/") == "http://127.0.0.1:8000/"


def test_absolute_percent_encodes_non_ascii_paths():
    assert absolute("/café/") == "https://verdicts.example/caf%C3%A9/"


@pytest.mark.parametrize("path", ["compare/a-vs-b/", "//evil.example/", "https://evil.example/"])
def test_absolute_refuses_anything_but_a_site_path(path):
    with pytest.raises(ValueError, match="path on this site"):
        absolute(path)
