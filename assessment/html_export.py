"""Turn an executed report notebook into a single self-contained HTML page.

Reports are mailed around and opened on machines that may have no network
access (or must not leak requests to foreign CDNs), so the page has to carry
everything it needs: charts are base64 PNGs embedded by the notebook, CSS is
inlined by nbconvert, and the scripts the stock "lab" template loads from
cdnjs/unpkg (require.js, MathJax, Mermaid, Jupyter widgets) are removed by a
small template that extends "lab" and empties those blocks.  The output is
verified with :func:`external_references` before it is returned.
"""

from __future__ import annotations

import copy
import re
from html.parser import HTMLParser
from typing import Any

import jinja2
import nbformat
from nbconvert import HTMLExporter

LANGUAGE = "zh-CN"
TEMPLATE_FILE = "assessment-offline.html.j2"

# Blocks of nbconvert's lab/index.html.j2 that emit CDN script tags.  The
# widget block is only used for notebooks with widget state, the others
# always render.  Nothing in a report needs JavaScript.
OFFLINE_TEMPLATE = """\
{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""

# Tags whose src attribute makes the browser fetch a resource.
_SRC_TAGS = frozenset(
    {"script", "img", "iframe", "frame", "source", "video", "audio", "embed", "track", "input"}
)
# <link rel=...> values that trigger a fetch or a connection.
_FETCHING_LINK_RELS = frozenset(
    {
        "stylesheet",
        "icon",
        "shortcut",
        "apple-touch-icon",
        "mask-icon",
        "manifest",
        "preload",
        "modulepreload",
        "prefetch",
        "preconnect",
        "dns-prefetch",
    }
)
# SVG elements that load what their href points at.
_SVG_HREF_TAGS = frozenset({"image", "use", "feimage"})

_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
# Either "@import 'x'" or "url(x)" (which also covers "@import url(x)").
_CSS_REFERENCE = re.compile(
    r"""@import\s+(["'])(?P<imported>.*?)\1|url\(\s*(["']?)(?P<url>.*?)\3\s*\)""",
    re.I | re.S,
)
_SCRIPT_URL_LITERAL = re.compile(r"""(["'`])((?:https?:)?//[^"'`\s]+)\1""", re.I)


class ExternalReferenceError(ValueError):
    """Raised when exported HTML would make the browser load a remote URL."""


class _OfflineHTMLExporter(HTMLExporter):
    """HTMLExporter that writes a full BCP 47 language tag into <html lang>.

    nbconvert validates ``language_code`` against ISO 639-1 and would reject
    "zh-CN"; screen readers and fonts pick Simplified Chinese forms from the
    region subtag, so it is set on the template resources instead.
    """

    def _init_resources(self, resources: dict[str, Any]) -> dict[str, Any]:
        resources = super()._init_resources(resources)
        resources["language_code"] = LANGUAGE
        return resources


def _is_external(url: str) -> bool:
    """Return whether ``url`` points at the network (http, https or //host)."""
    return url.strip().lower().startswith(("http://", "https://", "//"))


def _css_urls(css: str) -> list[str]:
    """Return the URLs a stylesheet fetches through url() or @import."""
    css = _CSS_COMMENT.sub("", css)
    return [m.group("imported") or m.group("url") for m in _CSS_REFERENCE.finditer(css)]


def _srcset_urls(srcset: str) -> list[str]:
    """Return the candidate URLs of a srcset attribute."""
    return [candidate.split()[0] for candidate in srcset.split(",") if candidate.strip()]


class _ReferenceCollector(HTMLParser):
    """Collect every URL a browser would fetch while rendering a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._raw_text_tag: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in _SRC_TAGS and "src" in values:
            self.urls.append(values["src"])
        if tag in {"img", "source"} and "srcset" in values:
            self.urls.extend(_srcset_urls(values["srcset"]))
        if tag == "video" and "poster" in values:
            self.urls.append(values["poster"])
        if tag == "object" and "data" in values:
            self.urls.append(values["data"])
        if tag == "link" and "href" in values:
            rels = set(values.get("rel", "").lower().split())
            if rels & _FETCHING_LINK_RELS:
                self.urls.append(values["href"])
        if tag in _SVG_HREF_TAGS:
            self.urls.extend(values[name] for name in ("href", "xlink:href") if name in values)
        if "background" in values:
            self.urls.append(values["background"])
        if "style" in values:
            self.urls.extend(_css_urls(values["style"]))
        if tag in {"style", "script"}:
            self._raw_text_tag = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._raw_text_tag:
            self._raw_text_tag = None

    def handle_data(self, data: str) -> None:
        if self._raw_text_tag == "style":
            self.urls.extend(_css_urls(data))
        elif self._raw_text_tag == "script":
            # A script may fetch any URL it names; reports need no remote code.
            self.urls.extend(match.group(2) for match in _SCRIPT_URL_LITERAL.finditer(data))


def external_references(html: str) -> list[str]:
    """Return every remote (http, https or protocol-relative) URL the page loads.

    Covers src/srcset/poster/data attributes, fetching <link> elements, SVG
    hrefs, CSS url() and @import in <style> and style attributes, and URL
    literals inside inline scripts.  Plain hyperlinks (<a href>) are not
    loads and are ignored.  URLs are returned in document order.
    """
    collector = _ReferenceCollector()
    collector.feed(html)
    collector.close()
    return [url.strip() for url in collector.urls if _is_external(url)]


def _offline_exporter() -> HTMLExporter:
    """Return an HTML exporter for reports: lab look, no code, no CDN scripts."""
    return _OfflineHTMLExporter(
        template_name="lab",
        template_file=TEMPLATE_FILE,
        extra_loaders=[jinja2.DictLoader({TEMPLATE_FILE: OFFLINE_TEMPLATE})],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )


def notebook_to_html(nb: nbformat.NotebookNode, title: str) -> str:
    """Render an executed notebook as a standalone Chinese HTML report.

    Code cells' sources and all In/Out prompts are hidden; outputs and
    Markdown cells are kept.  ``nb`` is not modified.  Raises
    :class:`ExternalReferenceError` if the result would still load anything
    from the network, e.g. because a notebook output embedded a remote image.
    """
    titled = copy.deepcopy(nb)
    titled.metadata["title"] = title
    html, _ = _offline_exporter().from_notebook_node(titled)
    remote = external_references(html)
    if remote:
        raise ExternalReferenceError(f"report would load remote resources: {remote}")
    return html
