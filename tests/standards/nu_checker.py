"""The W3C Nu HTML Checker (npm's vnu-jar, which `make test` installs into .tools/vnu), run once
over many documents: one JVM start costs seconds, a document milliseconds."""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.services import ROOT

VNU_JAR = ROOT / ".tools" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def nu_errors(documents: dict[str, bytes]) -> dict[str, list[str]]:
    """The checker's errors for each of ``documents`` (a name, and an HTML document), by name;
    documents without errors are left out."""
    java = shutil.which("java")
    assert java, "Java is needed for the Nu HTML Checker (make test installs it)"
    assert VNU_JAR.exists(), f"{VNU_JAR.relative_to(ROOT)} is missing: run `make test`"
    with tempfile.TemporaryDirectory(prefix="vnu-") as folder:
        names = {}
        for number, (name, html) in enumerate(documents.items()):
            path = Path(folder) / f"{number:04}.html"
            path.write_bytes(html)
            names[path.resolve().as_uri()] = name
        result = subprocess.run(
            [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--exit-zero-always",
             *sorted(str(Path(folder) / path) for path in Path(folder).iterdir())],
            capture_output=True, check=True, text=True,
        )  # fmt: skip
    errors: dict[str, list[str]] = {}
    for message in json.loads(result.stdout)["messages"]:
        # "error", and "non-document-error" (a document the checker could not read).
        if message["type"] != "info":
            name = names.get(_file_uri(message.get("url", "")), message.get("url", "?"))
            line = message.get("lastLine", "?")
            errors.setdefault(name, []).append(f"line {line}: {message['message']}")
    return errors


def _file_uri(url: str) -> str:
    # The checker writes file:/tmp/x for what Python writes file:///tmp/x.
    return "file://" + url.removeprefix("file:").removeprefix("//") if url else url


def as_document(fragment: bytes, wrapper: str = "{}") -> bytes:
    """An htmx fragment as the page holds it once swapped in: inside ``wrapper`` (its target
    element, with ``{}`` where the fragment goes), in the smallest valid document."""
    body = wrapper.replace("{}", fragment.decode())
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A fragment</title>'
        f"</head><body>{body}</body></html>"
    ).encode()
