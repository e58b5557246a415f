"""The API docs work offline (离线文档): no page the app serves points the browser at another host."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

URL = re.compile(r"""(?:https?:)?//[^\s"'<>`)\\]+""", re.IGNORECASE)
LOCAL = {"127.0.0.1", "localhost", "testserver", "::1"}
# RFC 2606 names used in field descriptions ("https://core.bank.example/ippledge"): they resolve nowhere.
RESERVED_SUFFIXES = (".example", ".test", ".invalid", "example.com", "example.org", "example.net")


def _external(text: str) -> list[str]:
    out = []
    for m in URL.finditer(text):
        host = urlsplit(m.group(0) if ":" in m.group(0).split("//")[0] else "http:" + m.group(0)).hostname or ""
        if host and host not in LOCAL and not host.endswith(RESERVED_SUFFIXES):
            out.append(m.group(0))
    return out


def _assets(html: str) -> list[str]:
    return re.findall(r"""(?:src|href)=["']([^"']+)["']""", html) + re.findall(r"""url: ?['"]([^'"]+)['"]""", html)


def test_docs_pages_and_the_spec_reference_no_external_url(client) -> None:
    pages = ["/docs", "/redoc", "/docs/oauth2-redirect", "/openapi.json"]
    for path in pages:
        r = client.get(path)
        assert r.status_code == 200, path
        assert _external(r.text) == [], (path, _external(r.text))
    docs, redoc = client.get("/docs").text, client.get("/redoc").text
    assert "fonts.googleapis" not in redoc and "validatorUrl" in docs
    assets = set(_assets(docs) + _assets(redoc))
    for bundle in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"):
        assert any(a.endswith(bundle) for a in assets), bundle
    for asset in assets:
        assert asset.startswith("/"), asset  # on this host
        r = client.get(asset)
        assert r.status_code == 200 and r.content, asset


def test_every_html_route_is_checked(app, client) -> None:
    """A new HTML page must stay offline too: every GET route without path parameters that answers HTML."""
    for route in app.routes:
        path = getattr(route, "path", "")
        if "GET" not in (getattr(route, "methods", None) or set()) or "{" in path:
            continue
        r = client.get(path)
        if r.headers.get("content-type", "").startswith("text/html"):
            assert _external(r.text) == [], (path, _external(r.text))


def test_the_vendored_files_carry_their_licence() -> None:
    from ippledge.web.docs import VENDOR_DIR

    libs = sorted(p.name for p in VENDOR_DIR.iterdir() if p.is_dir())
    assert libs == ["redoc-2.5.4", "swagger-ui-dist-5.35.0"]
    readme = (VENDOR_DIR / "README.md").read_text()
    for lib in libs:
        assert (VENDOR_DIR / lib / "LICENSE").is_file()
        name, version = lib.rsplit("-", 1)
        assert f"{name} {version}" in readme
