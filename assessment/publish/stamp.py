"""The seal of a report page on its scores: report.html names the sha256 of the scores.json
it was published with in a `<meta>` tag, so anyone holding the folder can check that the
page shows those scores (`sha256sum scores.json`), without trusting the folder's ledger,
which whoever edits a file can rewrite as well."""

from __future__ import annotations

import re

#: The `<meta name=…>` of a report page that holds the sha256 of its scores.json.
SCORES_META = "assessment-scores-sha256"
_HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.IGNORECASE)
_STAMP = re.compile(rf'<meta name="{SCORES_META}" content="([0-9a-f]{{64}})">')


def stamp_scores(html: str, scores_sha256: str) -> str:
    """The page with the sha256 of its scores.json recorded first in its <head>."""
    head = _HEAD.search(html)
    if head is None:
        raise ValueError("a report page without <head> cannot be stamped")
    tag = f'\n<meta name="{SCORES_META}" content="{scores_sha256}">'
    return html[: head.end()] + tag + html[head.end():]


def stamped_scores(html: str) -> list[str]:
    """Every scores sha256 the page records (one for a page this tool published; none for
    a page of an older version or another tool)."""
    return _STAMP.findall(html)
