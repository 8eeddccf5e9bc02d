"""How a batch shows its progress on stderr: a bar on a terminal, plain lines elsewhere."""

from __future__ import annotations

import sys
from typing import TextIO

from assessment.batch.outcome import STATUS_WORDS, Status
from assessment.util.console import safe


class LineProgress:
    """Plain progress lines ("[3/12] 龙湾区 完成") for logs and pipes."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.done, self.stream = total, 0, stream

    def advance(self, name: str, status: Status, words: str | None = None) -> None:
        """One input done; `words` say how (default: its status), e.g. 完成（输入已修改）."""
        self.done += 1
        print(f"[{self.done}/{self.total}] {safe(name)} {words or STATUS_WORDS[status]}", file=self.stream, flush=True)

    def note(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def close(self) -> None:
        """Nothing to tidy: every line is already written."""


class BarProgress:
    """A tqdm bar for terminals: the district just finished, done/total and failures."""

    def __init__(self, total: int, stream: TextIO) -> None:
        from tqdm import tqdm

        self.failures = 0
        self.bar = tqdm(total=total, file=stream, unit="个", desc="生成报告", dynamic_ncols=True)

    def advance(self, name: str, status: Status, words: str | None = None) -> None:
        self.failures += status != "ok"
        self.bar.set_description_str(safe(name))
        self.bar.set_postfix_str(f"未完成 {self.failures}")
        self.bar.update(1)

    def note(self, text: str) -> None:
        self.bar.write(text, file=self.bar.fp)

    def close(self) -> None:
        self.bar.close()


def make_progress(total: int, progress: bool | None, stream: TextIO | None = None) -> LineProgress | BarProgress:
    """A bar when asked (True) or when `stream` (stderr) is a terminal (None); lines otherwise."""
    stream = stream or sys.stderr
    use_bar = stream.isatty() if progress is None else progress
    return BarProgress(total, stream) if use_bar else LineProgress(total, stream)
