"""Markup an editor could type into any text field, and how tests find it on a page."""

import re

from bs4 import BeautifulSoup

# The payload: hidden inputs for the user form, a button that posts them with the
# logout form's token, and a refresh that takes the reader off-site.
HIJACK = (
    '<input form="logout-form" type="hidden" name="is_superuser" value="on">'
    '<input form="logout-form" type="hidden" name="is_staff" value="on">'
    '<input form="logout-form" type="hidden" name="is_active" value="on">'
    '<input form="logout-form" type="hidden" name="username" value="editor@example.com">'
    '<button form="logout-form" formaction="/admin/auth/user/1/change/">Approve edition</button>'
    '<meta http-equiv="refresh" content="1;url=https://evil.example/">'
)
# For fields of 80 characters or more: each alone is one of the payload's parts.
BUTTON = '<button form="logout-form" formaction="/admin/">Approve</button>'
REFRESH = '<meta http-equiv="refresh" content="1;url=https://evil.example/">'
ESCAPED = re.compile(rb"&lt;(button|meta|input) ")


def payload_elements(html: bytes | str) -> list:
    """Elements only the payload brings: the admin's own pages have none of these."""
    soup = BeautifulSoup(html, "html.parser")
    return soup.select("[form], [formaction], meta[http-equiv]")
