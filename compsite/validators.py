"""Validators the apps' models share."""

import re

from django.core.exceptions import ValidationError

# Control characters (C0, DEL, C1) and the Unicode line and paragraph separators. None belongs in
# text shown on one line: a name, a title, a subject. Pillow cannot even measure some of them,
# which made every share image showing such a name fail.
LINE_BREAKING = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def validate_single_line(value: str) -> None:
    if LINE_BREAKING.search(value):
        raise ValidationError(
            "Write it on one line, without control characters (line breaks, tabs…).",
            code="single_line",
        )
