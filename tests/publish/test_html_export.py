"""Specifications for exporting executed notebooks to offline HTML reports."""

from __future__ import annotations

import base64
import io
import re
from importlib import resources

import nbformat
import pytest
from fontTools.ttLib import TTFont
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from assessment.publish import fonts
from assessment.publish.html import (
    DATA_TAG,
    LAB_SCOPE,
    LAB_TAG,
    ExternalReferenceError,
    external_references,
    lab_style_html,
    notebook_to_html,
    page_characters,
    scoped_css,
)

CODE_MARKER = "code_input_marker_7f3c"
HIDDEN_MARKER = "hidden_output_marker_91ab"
PRINTED_LINE = "打印的一行：总得分 87.5"
TEMPLATE = resources.files("assessment.publish") / "templates" / "report"
SYSTEM_FONTS_FIRST = (
    '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC",'
    ' "Assessment Sans SC", sans-serif'
)
EMBEDDED_FONT = re.compile(r"url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)")
REPORT_TITLE = "龙湾区 生态环境执法机构规范化评估"
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}

CHART_CELL = f"""\
# {CODE_MARKER}
import matplotlib.pyplot as plt
from assessment.publish.fonts import register_cjk_font

register_cjk_font()
fig, ax = plt.subplots(figsize=(4, 3))
ax.bar(["龙湾区", "瓯海区"], [85, 92])
ax.set_title("机构设置规范化 得分（分）")
plt.show()
"""

TABLE_CELL = """\
import html
import pandas as pd
from IPython.display import Markdown, display

display(Markdown("**评估对象**：" + html.escape("<script>alert(1)</script>")))
pd.DataFrame({"区县": ["龙湾区", "<b>恶意</b>"], "得分": [85.5, 60.0]})
"""


def new_report_notebook() -> nbformat.NotebookNode:
    """Return a small report-like notebook: Markdown, a chart, a table, printed
    text, and a cell kept only for nbval (tagged report-hidden)."""
    return new_notebook(
        cells=[
            new_markdown_cell("# 评估报告\n\n本报告评估**机构设置规范化**。"),
            new_markdown_cell("| 类别 | 得分 |\n| --- | ---: |\n| 机构设置规范化 | 12 |"),
            new_code_cell(CHART_CELL),
            new_code_cell(TABLE_CELL),
            new_code_cell(f"print({PRINTED_LINE!r})"),
            new_markdown_cell(f"{HIDDEN_MARKER} 仅供核对", metadata={"tags": ["report-hidden"]}),
            new_code_cell(f"print({HIDDEN_MARKER!r})", metadata={"tags": ["report-hidden"]}),
        ],
        metadata={"kernelspec": KERNELSPEC},
    )


def embedded_font(html: str) -> TTFont:
    """The font embedded in ``html`` by its single woff2 data: URL."""
    (encoded,) = EMBEDDED_FONT.findall(html)
    return TTFont(io.BytesIO(base64.b64decode(encoded)))


def visible_text(html: str) -> str:
    """The characters of the page's body text, without markup."""
    body = html[html.index("<body") :]
    return re.sub(r"<[^>]*>", "", body)


@pytest.fixture(scope="module")
def executed_notebook() -> nbformat.NotebookNode:
    """Execute the sample report once for the whole module."""
    notebook = new_report_notebook()
    NotebookClient(notebook, kernel_name="python3", timeout=120).execute()
    return notebook


@pytest.fixture(scope="module")
def report_html(executed_notebook: nbformat.NotebookNode) -> str:
    """Export the executed sample report."""
    return notebook_to_html(executed_notebook, REPORT_TITLE)


def test_sample_notebook_executes_without_warnings_on_stderr(
    executed_notebook: nbformat.NotebookNode,
) -> None:
    stderr = [
        output.text
        for cell in executed_notebook.cells
        for output in cell.get("outputs", [])
        if output.output_type == "stream" and output.name == "stderr"
    ]
    assert stderr == []


def test_report_loads_nothing_from_the_network(report_html: str) -> None:
    assert external_references(report_html) == []


def test_report_contains_no_cdn_scripts(report_html: str) -> None:
    # Base64 payloads (charts, font) may spell "cdn" by chance; only the markup counts.
    lowered = re.sub(r"base64,[A-Za-z0-9+/=]+", "base64,", report_html).lower()
    assert "cdn" not in lowered
    assert "require.js" not in lowered
    assert "require.min.js" not in lowered
    assert "mathjax" not in lowered
    assert "mermaid" not in lowered
    assert re.search(r"<script[^>]*\bsrc\s*=", report_html, re.I) is None


def test_report_embeds_the_chart_as_base64_png(report_html: str) -> None:
    assert 'src="data:image/png;base64,' in report_html


def test_report_hides_code_input_and_prompts(report_html: str) -> None:
    assert CODE_MARKER not in report_html
    assert "register_cjk_font" not in report_html
    assert "In&nbsp;[" not in report_html
    assert "Out[" not in report_html


def test_report_is_declared_as_simplified_chinese_utf8(report_html: str) -> None:
    assert '<html lang="zh-CN"' in report_html
    assert re.search(r'<meta charset="utf-8"\s*/?>', report_html, re.I)


def test_report_title_is_the_given_title(report_html: str) -> None:
    assert f"<title>{REPORT_TITLE}</title>" in report_html


def test_report_keeps_markdown_and_dataframe_content(report_html: str) -> None:
    assert "评估报告" in report_html
    assert "<strong>机构设置规范化</strong>" in report_html
    assert '<table border="1" class="dataframe">' in report_html
    assert "<td>龙湾区</td>" in report_html


def test_text_escaped_by_the_notebook_stays_escaped(report_html: str) -> None:
    assert "<script>alert(1)" not in report_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report_html
    assert "<b>恶意</b>" not in report_html
    assert "&lt;b&gt;恶意&lt;/b&gt;" in report_html


def test_export_does_not_modify_the_notebook(executed_notebook: nbformat.NotebookNode) -> None:
    before = nbformat.writes(executed_notebook)
    notebook_to_html(executed_notebook, "另一个标题")
    assert nbformat.writes(executed_notebook) == before


def test_export_refuses_outputs_that_load_remote_resources() -> None:
    cell = new_code_cell(
        "",
        outputs=[
            new_output("display_data", data={"text/html": '<img src="https://example.com/x.png">'})
        ],
    )
    notebook = new_notebook(cells=[cell])
    with pytest.raises(ExternalReferenceError, match=re.escape("https://example.com/x.png")):
        notebook_to_html(notebook, "远程图片")


def test_external_references_finds_every_kind_of_remote_load() -> None:
    html = """
    <html><head>
    <script src="https://cdn.example/require.js"></script>
    <link rel="stylesheet" href="http://fonts.example/a.css">
    <link rel="shortcut icon" href="https://example.com/favicon.ico">
    <link rel="preload" href="//static.example/font.woff2" as="font">
    <style>
      @import "https://example.com/import.css";
      @import url('https://example.com/import-url.css');
      body { background: url(https://example.com/bg.png); }
    </style>
    <script>import("https://esm.example/mermaid.mjs");</script>
    </head><body>
    <img src="HTTPS://example.com/upper.png">
    <img srcset="https://example.com/1x.png 1x, https://example.com/2x.png 2x">
    <iframe src="https://example.com/frame"></iframe>
    <video poster="https://example.com/poster.jpg"><source src="https://example.com/v.mp4"></video>
    <div style="background-image: url(&quot;https://example.com/inline.png&quot;)"></div>
    <svg><image href="https://example.com/svg.png"/></svg>
    </body></html>
    """
    assert external_references(html) == [
        "https://cdn.example/require.js",
        "http://fonts.example/a.css",
        "https://example.com/favicon.ico",
        "//static.example/font.woff2",
        "https://example.com/import.css",
        "https://example.com/import-url.css",
        "https://example.com/bg.png",
        "https://esm.example/mermaid.mjs",
        "HTTPS://example.com/upper.png",
        "https://example.com/1x.png",
        "https://example.com/2x.png",
        "https://example.com/frame",
        "https://example.com/poster.jpg",
        "https://example.com/v.mp4",
        "https://example.com/inline.png",
        "https://example.com/svg.png",
    ]


def test_external_references_ignores_links_text_comments_and_local_resources() -> None:
    html = """
    <html><head>
    <link rel="canonical" href="https://example.com/report">
    <style>/* see https://example.com/docs and url(https://example.com/commented.png) */
      .x { background: url(data:image/png;base64,AAAA); }
    </style>
    </head><body>
    <a href="https://example.com/policy">政策原文 https://example.com/text</a>
    <img src="data:image/png;base64,iVBORw0KGgo=">
    <img src="chart.png">
    <script>const note = "no url here";</script>
    </body></html>
    """
    assert external_references(html) == []


def test_report_uses_the_package_template_and_not_jupyterlab_style(report_html: str) -> None:
    stylesheet = (TEMPLATE / "static" / "report.css").read_text(encoding="utf-8")
    assert stylesheet in report_html
    assert '<main class="report">' in report_html
    assert "jp-" not in report_html
    assert "jupyterlab" not in report_html.lower()


def test_report_template_is_a_folder_a_designer_can_open() -> None:
    assert (TEMPLATE / "conf.json").is_file()
    assert (TEMPLATE / "index.html.j2").is_file()
    assert (TEMPLATE / "static" / "report.css").is_file()


def test_cells_tagged_report_hidden_are_removed_from_the_page(report_html: str) -> None:
    assert HIDDEN_MARKER not in report_html


def test_printed_text_is_shown_only_where_a_cell_printed_it(report_html: str) -> None:
    assert re.findall(r'<pre class="output-text">([^<]*)</pre>', report_html) == [PRINTED_LINE + "\n"]


def test_page_prefers_the_readers_chinese_fonts_then_the_embedded_one(report_html: str) -> None:
    rules = re.sub(r"@font-face\s*{[^}]*}", "", report_html)
    declared = re.findall(r"font-family:\s*([^;]+);", rules)
    stacks = [" ".join(value.split()) for value in declared if fonts.WEB_FONT_FAMILY in value]
    assert stacks and set(stacks) == {SYSTEM_FONTS_FIRST}


def test_page_embeds_the_bundled_font_once_as_a_woff2_data_url(report_html: str) -> None:
    assert report_html.count("@font-face") == 1
    face = re.search(r"@font-face\s*{[^}]*}", report_html).group(0)
    assert f'font-family: "{fonts.WEB_FONT_FAMILY}"' in face
    font = embedded_font(report_html)
    assert font.flavor == "woff2"
    assert font["name"].getDebugName(1) == fonts.WEB_FONT_FAMILY


def test_embedded_font_has_every_character_of_the_page_and_little_else(report_html: str) -> None:
    cmap = embedded_font(report_html).getBestCmap()
    text = visible_text(report_html)
    assert {c for c in text if c.isprintable() and ord(c) not in cmap} == set()
    assert {chr(code) for code in range(0x30, 0x3A)} <= {chr(code) for code in cmap}
    assert "鄞" not in text and ord("鄞") not in cmap
    assert len(cmap) < 600


def test_page_characters_include_styles_and_alt_text_but_not_scripts() -> None:
    page = (
        '<html><head><title>标题</title><style>.x::after { content: "页"; }</style></head>'
        '<body><p>正文 &amp; 1</p><img alt="图表说明" src="data:,"><script>var 脚本 = 1;</script></body></html>'
    )
    characters = set(page_characters(page))
    assert set("标题页正文&1图表说明") <= characters
    assert not set("脚本") & characters
    assert page_characters(page) == "".join(sorted(characters))


def test_every_table_has_a_header_group_that_print_can_repeat(report_html: str) -> None:
    tables = re.findall(r"<table\b.*?</table>", report_html, re.S)
    assert len(tables) == 2  # the Markdown table and the DataFrame
    assert all(re.search(r"<thead>\s*<tr", table) for table in tables)


def test_outputs_tagged_as_data_are_dropped_and_their_cells_other_outputs_kept() -> None:
    """A cell that shows a table and records the same thing as data (the report's plan,
    published as plan.json): the page shows the table, never the record."""
    cell = new_code_cell(
        "sections.plan_section(report)",
        outputs=[
            new_output(
                "display_data",
                data={"application/vnd.test+json": {"x": 1}, "text/plain": "data_record_marker_5d2e"},
                metadata={"tags": [DATA_TAG]},
            ),
            new_output("display_data", data={"text/html": "<p>shown_output_marker_0b7a</p>"}),
        ],
    )
    notebook = new_notebook(cells=[cell], metadata={"kernelspec": KERNELSPEC})
    page = notebook_to_html(notebook, REPORT_TITLE)
    assert "shown_output_marker_0b7a" in page
    assert "data_record_marker_5d2e" not in page and "vnd.test" not in page
    assert len(notebook.cells[0].outputs) == 2  # the notebook itself keeps its record


def test_outputs_for_lab_only_are_dropped_from_the_page() -> None:
    """The report's stylesheet for JupyterLab is an output of the first section; the page inlines
    the stylesheet itself and never carries Lab's copy."""
    cell = new_code_cell(
        "sections.verdict_section(report)",
        outputs=[
            new_output("display_data", data={"text/html": lab_style_html()}, metadata={"tags": [LAB_TAG]}),
            new_output("display_data", data={"text/html": "<p>shown_output_marker_0b7a</p>"}),
        ],
    )
    page = notebook_to_html(new_notebook(cells=[cell], metadata={"kernelspec": KERNELSPEC}), REPORT_TITLE)
    assert "shown_output_marker_0b7a" in page
    assert LAB_SCOPE not in page


def test_scoped_css_keeps_every_rule_inside_the_scope_and_the_sheet_out() -> None:
    css = """
    :root { --ink: #123; }
    html { background: #eee; color: var(--ink); font-size: 15px; }
    main.report { padding: 18mm; border: 1px solid; }
    main.report > h2, td:not(.num, .id) { text-align: left; }
    .verdict { border: 1px solid currentColor; }
    @media (max-width: 720px) { body { padding: 0; } .figure { flex: 1; } }
    @media print { .verdict { color: black; } }
    @page { size: A4; @bottom-center { content: "页"; } }
    """
    assert scoped_css(css, ".s").splitlines() == [
        ".s { --ink: #123; }",
        ".s { color: var(--ink); font-size: 15px; }",
        ".s > h2, .s td:not(.num, .id) { text-align: left; }",
        ".s .verdict { border: 1px solid currentColor; }",
        "@media (max-width: 720px) {",
        ".s .figure { flex: 1; }",
        "}",
    ]


def test_lab_style_is_the_report_stylesheet_scoped_to_the_notebook_that_shows_it() -> None:
    style = lab_style_html()
    assert style.startswith('<style class="assessment-report">') and style.endswith("</style>")
    rules = [line for line in style.splitlines()[1:-1] if "{" in line and not line.startswith("@")]
    assert rules and all(line.startswith(LAB_SCOPE) for line in rules)
    # one stylesheet: the badge's rule reaches Lab as the page has it
    assert f"{LAB_SCOPE} .verdict {{ display: inline-block;" in style
