import pytest
from bs4 import BeautifulSoup

from compsite.markdown import render_markdown, render_markdown_uncached


def test_renders_basic_markdown():
    html = render_markdown("**Fast** and *small*.\n\n- one\n- two")
    assert "<strong>Fast</strong>" in html
    assert "<em>small</em>" in html
    assert "<li>one</li>" in html


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src='https://evil.example'></iframe>",
        '<p style="background:url(javascript:alert(1))">x</p>',
        "[x](JaVaScRiPt:alert(1))",
        "<svg onload=alert(1)>",
    ],
)
def test_no_script_gets_through(hostile):
    soup = BeautifulSoup(render_markdown(hostile), "html.parser")
    assert not soup.find_all(["script", "iframe", "svg", "img", "style"])
    for element in soup.find_all(True):
        assert not [name for name in element.attrs if name.startswith("on") or name == "style"]
        assert not element.get("href", "").lower().startswith("javascript:")


def test_links_are_kept_with_safe_rel():
    html = render_markdown("[docs](https://example.com/docs)")
    assert 'href="https://example.com/docs"' in html
    assert 'rel="nofollow noopener noreferrer"' in html


def test_the_uncached_renderer_renders_the_same_html():
    source = "**Fast** [docs](https://example.com/docs) <script>x</script>"
    assert render_markdown_uncached(source) == render_markdown(source)
