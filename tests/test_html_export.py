"""Specifications for exporting executed notebooks to offline HTML reports."""

from __future__ import annotations

import re

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from assessment.html_export import ExternalReferenceError, external_references, notebook_to_html

CODE_MARKER = "code_input_marker_7f3c"
REPORT_TITLE = "龙湾区 生态环境执法机构规范化评估"
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}

CHART_CELL = f"""\
# {CODE_MARKER}
import matplotlib.pyplot as plt
from assessment.fonts import register_cjk_font

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
    """Return a small report-like notebook: Markdown, a chart and a table."""
    return new_notebook(
        cells=[
            new_markdown_cell("# 评估报告\n\n本报告评估**机构设置规范化**。"),
            new_code_cell(CHART_CELL),
            new_code_cell(TABLE_CELL),
        ],
        metadata={"kernelspec": KERNELSPEC},
    )


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
    lowered = report_html.lower()
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
    prompt_element = re.compile(r'class="[^"]*\bjp-(?:Input|Output)Prompt\b')
    assert prompt_element.search(report_html) is None
    assert "jp-mod-noInput" in report_html


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
