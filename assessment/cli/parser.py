"""argparse in Chinese: the usage line, the help's headings and argparse's own error messages.

argparse writes its words through `gettext` in the process-wide default domain, so a
translation installed there would change other programs' messages in the same process, and
changing the locale would too. Instead this parser uses argparse's supported hooks only: a
help formatter with a Chinese usage prefix, Chinese titles for the two default argument
groups, its own `-h/--help`, and an `error` that translates the finished English message.

`MESSAGES` maps argparse's message templates (its gettext msgids, as in Python 3.10 to 3.13)
to Chinese. An error message is a template filled in, possibly nested (`argument X: invalid
choice: …`); `translate` recognises the template, translates what was filled into it, and
fills the Chinese one. A message argparse may add in a later Python stays English rather
than being garbled; tests/cli/test_cli_chinese.py lists the messages users meet.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from typing import Any, NoReturn

from assessment.util.errors import EXIT_INVALID

USAGE = "用法："
POSITIONALS, OPTIONALS = "位置参数", "选项"
HELP = "显示本帮助并退出"
VERSION_HELP = "显示版本号并退出"

#: argparse's message templates and their Chinese; placeholders as argparse fills them.
MESSAGES: dict[str, str] = {
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择 %(value)s（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的值 %(value)s（应为%(type)s）",
    "expected one argument": "需要一个值",
    "expected at most one argument": "至多需要一个值",
    "expected at least one argument": "至少需要一个值",
    "expected %s argument": "需要%s个值",
    "expected %s arguments": "需要%s个值",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "不接受取值 %s",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是：%(matches)s",
    "one of the arguments %s is required": "参数 %s 须至少给出一个",
    "unexpected option string: %s": "意外的选项：%s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "未知的命令 %(parser_name)s（可选：%(choices)s）",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
}
#: How argparse names the type of a value it could not convert (`invalid int value`).
TYPE_NAMES = {"int": "整数", "float": "数", "Path": "路径"}
_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[sr]")


def _pattern(template: str) -> re.Pattern[str]:
    """A regex matching `template` filled in: each placeholder a named group (positional
    ones `_0`, `_1`…), everything else literal."""
    parts, last, index = [], 0, 0
    for m in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[last : m.start()]))
        name = m.group(1) or f"_{index}"
        index += m.group(1) is None
        parts.append(f"(?P<{name}>.*?)")
        last = m.end()
    parts.append(re.escape(template[last:]))
    return re.compile("".join(parts), re.DOTALL)


def _filled(template: str, values: dict[str, str]) -> str:
    """The Chinese `template` with the matched texts put back in their places."""
    counter = iter(range(len(values)))
    return _PLACEHOLDER.sub(lambda m: values[m.group(1) or f"_{next(counter)}"], template)


_PATTERNS = [(_pattern(english), chinese) for english, chinese in MESSAGES.items()]


def translate(message: str) -> str:
    """argparse's English `message` in Chinese (nested messages too); unknown ones unchanged."""
    for pattern, chinese in _PATTERNS:
        m = pattern.fullmatch(message)
        if m is None:
            continue
        values = {k: translate(v) if k == "message" else v for k, v in m.groupdict().items()}
        if "type" in values:
            values["type"] = TYPE_NAMES.get(values["type"], values["type"])
        return _filled(chinese, values)
    return message


class ChineseHelpFormatter(argparse.HelpFormatter):
    """argparse's formatter with a Chinese usage prefix."""

    def add_usage(
        self, usage: str | None, actions: Iterable[argparse.Action], groups: Iterable[Any], prefix: str | None = None
    ) -> None:
        super().add_usage(usage, actions, groups, USAGE if prefix is None else prefix)


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose help, usage and errors are in Chinese; `add_subparsers` makes
    its command parsers of this class too (argparse's default `parser_class`)."""

    def __init__(self, *, add_help: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        super().__init__(add_help=False, **kwargs)
        self._positionals.title = POSITIONALS
        self._optionals.title = OPTIONALS
        if add_help:
            prefix = self.prefix_chars[0]
            self.add_argument(prefix + "h", prefix * 2 + "help", action="help", help=HELP)

    def error(self, message: str) -> NoReturn:
        """Usage and the Chinese message on stderr, exit 2 (argparse's code for a usage error)."""
        self.print_usage(sys.stderr)
        self.exit(EXIT_INVALID, f"{self.prog}：错误：{translate(message)}\n")
