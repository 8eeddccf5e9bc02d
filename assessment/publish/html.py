"""Turn an executed report notebook into a single self-contained HTML page.

Reports are mailed around, opened on intranet PCs without network access (or
that must not leak requests to foreign CDNs) and printed, so the page carries
everything it needs and looks like a document, not a notebook:

* the page is rendered with the package's own nbconvert template
  (``assessment/publish/templates/report``): no code, no prompts, no JupyterLab
  style, no scripts; its stylesheet ``static/report.css`` is inlined and
  also holds the A4 print rules;
* cells tagged ``report-hidden`` (kept in the notebook for nbval) are dropped, and
  so are outputs tagged ``report-data`` (data a report records for other files,
  such as the plan published as plan.json, which a page cannot show);
* charts are base64 PNGs embedded by the notebook;
* the bundled Chinese font is embedded as a ``@font-face`` fallback, subset to
  the characters of this page, so headings, tables and text are readable on a
  machine without any Chinese font.

The output is verified with :func:`external_references` before it is returned.

JupyterLab shows the same notebook without the template, so the same stylesheet reaches
it as a Lab-only output (:func:`lab_style_html`, tagged ``report-lab``, dropped from the page).
"""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from html.parser import HTMLParser
from importlib import resources as package_resources
from typing import TYPE_CHECKING, Any

from assessment.publish.fonts import web_font_face_css
from assessment.util.errors import AssessmentError

if TYPE_CHECKING:
    import nbformat
    from nbconvert import HTMLExporter

LANGUAGE = "zh-CN"
TEMPLATE_NAME = "report"
HIDDEN_TAG = "report-hidden"
#: Tag of a cell output (in its metadata) that records data for other files, not the page.
DATA_TAG = "report-data"
#: Tag of a cell output meant for JupyterLab only (the report's stylesheet there), not the page.
LAB_TAG = "report-lab"
#: Class of the <style> element that brings the report's stylesheet to JupyterLab.
LAB_STYLE_CLASS = "assessment-report"
# Where the stylesheet applies in Lab: the rendered Markdown and HTML outputs of the notebook
# that displayed it, so a user's other notebooks open in the same Lab keep Lab's own look.
LAB_SCOPE = f".jp-Notebook:has(style.{LAB_STYLE_CLASS}) .jp-RenderedHTMLCommon"
# The page's containers (the desk, the body, the sheet): in Lab the rendered cell plays their part.
_PAGE_CONTAINERS = ("html", ":root", "body", "main.report")
# What a container gives its content rather than draws itself: Lab draws the cell, not a sheet.
_INHERITED_PROPERTIES = frozenset(
    {"color", "font-family", "font-size", "line-height", "text-size-adjust", "-webkit-text-size-adjust"}
)
# Written by the template into <head>; replaced by the page's @font-face rule.
FONT_PLACEHOLDER = "<!-- assessment:embedded-font -->"
# Attributes whose text a browser may draw (alt text of a broken image, tooltips).
_DRAWN_ATTRIBUTES = frozenset({"alt", "title", "placeholder", "value"})

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


class ExternalReferenceError(AssessmentError, ValueError):
    """Raised when exported HTML would make the browser load a remote URL."""


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


class _PageText(HTMLParser):
    """Collect every character a browser may draw for a page: text, CSS, drawn attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.extend(value for name, value in attrs if name in _DRAWN_ATTRIBUTES and value)
        if tag == "script":
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if not self._in_script:
            self.parts.append(data)


def page_characters(html: str) -> str:
    """Return the distinct characters a browser may draw for ``html``, sorted.

    Includes <style> text, so characters a stylesheet draws (``content:``,
    page numbers) are covered; script source is never drawn and is skipped.
    """
    collector = _PageText()
    collector.feed(html)
    collector.close()
    return "".join(sorted(set("".join(collector.parts))))


def template_dir() -> str:
    """The folder holding the package's nbconvert templates (report/ is ours)."""
    return str(package_resources.files("assessment.publish") / "templates")


@lru_cache(maxsize=1)
def _report_exporter() -> HTMLExporter:
    """The HTML exporter using the report template, dropping ``report-hidden`` cells and
    ``report-data`` and ``report-lab`` outputs.

    Made once per process: every page is converted with the same settings, and a reused
    exporter keeps its compiled template (about 20 ms a page). nbconvert is imported here,
    not with the module, so that a kernel importing the report helpers does not pay for it.
    """
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    class _ReportHTMLExporter(HTMLExporter):
        """HTMLExporter that writes a full BCP 47 language tag into <html lang>.

        nbconvert validates ``language_code`` against ISO 639-1 and would reject
        "zh-CN"; screen readers and fonts pick Simplified Chinese forms from the
        region subtag, so it is set on the template resources instead.
        """

        def _init_resources(self, resources: dict[str, Any]) -> dict[str, Any]:
            resources = super()._init_resources(resources)
            resources["language_code"] = LANGUAGE
            return resources

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {HIDDEN_TAG}
    config.TagRemovePreprocessor.remove_single_output_tags = {DATA_TAG, LAB_TAG}
    return _ReportHTMLExporter(
        config=config,
        extra_template_basedirs=[template_dir()],
        template_name=TEMPLATE_NAME,
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        embed_images=True,
    )


@lru_cache(maxsize=1)
def prepare_export() -> None:
    """Do now, once per process, what the first page costs besides its own content
    (nbconvert's imports, Jinja's compilation, fontTools' imports and the bundled font
    parsed: ~0.5 s), by converting an empty notebook and subsetting the font for no text."""
    import nbformat

    _report_exporter().from_notebook_node(nbformat.v4.new_notebook())
    web_font_face_css("")


def report_css() -> str:
    """The report's stylesheet (templates/report/static/report.css): the page inlines it, Lab gets it scoped."""
    return (package_resources.files("assessment.publish") / "templates" / TEMPLATE_NAME / "static" / "report.css").read_text(
        encoding="utf-8"
    )


def _top_level_split(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` outside parentheses and quotes (a selector list, declarations)."""
    parts, depth, quote, start = [], 0, "", 0
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def _css_blocks(css: str) -> list[tuple[str, str]]:
    """The top-level ``prelude { body }`` blocks of a stylesheet without comments, in order."""
    blocks, position = [], 0
    while (opening := css.find("{", position)) != -1:
        depth, index = 1, opening + 1
        while depth:
            depth += {"{": 1, "}": -1}.get(css[index], 0)
            index += 1
        blocks.append((css[position:opening].strip(), css[opening + 1 : index - 1]))
        position = index
    return blocks


def _scoped_selector(selector: str, scope: str) -> tuple[str, bool]:
    """``selector`` moved under ``scope``, and whether it selects a page container itself."""
    for container in _PAGE_CONTAINERS:
        if selector == container:
            return scope, True
        if selector.startswith(container) and selector[len(container)] in " >+~":
            return scope + selector[len(container) :], False
    return f"{scope} {selector}", False


def scoped_css(css: str, scope: str) -> str:
    """The rules of ``css`` restricted to the elements inside ``scope``.

    The page's containers (html, :root, body, main.report) become the scope element and
    pass on only custom properties and type (colour, font, size, line height), not their
    box; ``@page`` and ``@media print`` are paper, which the scope does not make, and are dropped.
    """
    rules = []
    for prelude, body in _css_blocks(_CSS_COMMENT.sub("", css)):
        if prelude.startswith("@"):
            if prelude.startswith("@media") and "print" not in prelude:
                nested = scoped_css(body, scope)
                if nested:
                    rules.append(f"{prelude} {{\n{nested}\n}}")
            continue
        selectors = [_scoped_selector(selector, scope) for selector in _top_level_split(prelude, ",")]
        declarations = _top_level_split(body, ";")
        inner = [selector for selector, is_container in selectors if not is_container]
        if inner:
            rules.append(f"{', '.join(inner)} {{ {'; '.join(declarations)}; }}")
        passed_on = [d for d in declarations if d.startswith("--") or d.split(":", 1)[0].strip() in _INHERITED_PROPERTIES]
        if len(inner) < len(selectors) and passed_on:
            rules.append(f"{scope} {{ {'; '.join(passed_on)}; }}")
    return "\n".join(rules)


@lru_cache(maxsize=1)
def lab_style_html() -> str:
    """The report's stylesheet as JupyterLab needs it: a <style> whose rules apply inside
    :data:`LAB_SCOPE` only, after a reset of Lab's own rules for rendered HTML there (its
    right-aligned cells, fixed table layout and striped rows), so the report looks as the
    page does, where the browser's defaults lie under the same stylesheet. Lab's heading
    anchors (¶, shown on hover) keep Lab's rules; :where() keeps the reset below every rule."""
    reset = f"{LAB_SCOPE} :where(:not(.jp-InternalAnchorLink)) {{ all: revert; }}"
    return f'<style class="{LAB_STYLE_CLASS}">\n{reset}\n{scoped_css(report_css(), LAB_SCOPE)}\n</style>'


def _embed_font(html: str) -> str:
    """Replace the template's placeholder with a @font-face for this page's characters."""
    if FONT_PLACEHOLDER not in html:
        raise RuntimeError(f"report template lost its font placeholder {FONT_PLACEHOLDER!r}")
    rule = f"<style>\n{web_font_face_css(page_characters(html))}\n</style>"
    return html.replace(FONT_PLACEHOLDER, rule, 1)


def notebook_to_html(nb: nbformat.NotebookNode, title: str) -> str:
    """Render an executed notebook as a standalone Chinese HTML report.

    Code and prompts are never shown; Markdown cells and outputs are, except
    cells tagged ``report-hidden`` and outputs tagged ``report-data`` or ``report-lab``.  ``nb`` is
    not modified.  Raises
    :class:`ExternalReferenceError` if the result would still load anything
    from the network, e.g. because a notebook output embedded a remote image.
    """
    titled = copy.deepcopy(nb)
    titled.metadata["title"] = title
    html, _ = _report_exporter().from_notebook_node(titled)
    html = _embed_font(html)
    remote = external_references(html)
    if remote:
        raise ExternalReferenceError(f"report would load remote resources: {remote}")
    return html
