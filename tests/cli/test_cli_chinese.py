"""The command line speaks Chinese: `--help`, the usage line and every argument error a person
meets (a missing argument, an unknown command, an option without its value, a bad number, an
unknown option) are Chinese, with exit code 0 for help and 2 for an error, and no English
word of argparse's own is left: only names a person types (commands, options, file names,
placeholders such as INPUT) and product names stay in Latin letters.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from assessment.cli.app import COMMANDS, build_parser
from assessment.cli.parser import translate

COMMAND_NAMES = ("template", "validate", "score", "convert", "report", "batch", "summary", "plan", "review-template")
#: Latin words a Chinese help text may keep: product and format names (xlsx).
PRODUCT_NAMES = {"assessment", "Chromium", "Notebook", "xlsx"}
#: What a person types or reads as a name: options, commands, file names, upper-case
#: placeholders and acronyms (INPUT, OUT.xlsx, JSON, SHA-256), quoted values.
TYPED = re.compile(
    r"-{1,2}[a-z][a-z-]*|[^\s（]*\.(?:xlsx|json|pdf|html)(?![A-Za-z])|(?<![A-Za-z])[A-Z][A-Z0-9_]*(?![a-z])|'[^']*'|“[^”]*”|"
    + "|".join(sorted(COMMAND_NAMES, key=len, reverse=True))
)


def english_left(text: str) -> set[str]:
    """Latin words of `text` that are neither typed names nor product names."""
    return set(re.findall(r"[A-Za-z]+", TYPED.sub(" ", text))) - PRODUCT_NAMES


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assessment", *args], capture_output=True, text=True, timeout=60)


def test_the_scan_finds_argparse_english():
    assert english_left("usage: assessment batch [-h] DATA_DIR\nerror: the following arguments are required: --out") == {
        "usage", "error", "the", "following", "arguments", "are", "required",
    }
    assert english_left("用法：assessment batch [-h] --out OUT DATA_DIR 生成 summary.pdf（需要 Chromium）") == set()


def test_help_is_chinese():
    result = run("--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("用法：assessment ")
    for words in ("位置参数", "选项", "-h, --help", "显示本帮助并退出", "显示版本号并退出", *COMMAND_NAMES):
        assert words in result.stdout, words
    assert english_left(result.stdout) == set()


@pytest.mark.parametrize("command", COMMAND_NAMES)
def test_every_command_help_is_chinese(command, capsys):
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args([command, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"用法：assessment {command} ") and "显示本帮助并退出" in out
    assert english_left(out) == set(), out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("batch", "data"), "assessment batch：错误：缺少必需的参数：--out"),
        (("convert", "a.xlsx"), "assessment convert：错误：缺少必需的参数：DST"),
        ((), "assessment：错误：缺少必需的参数：命令"),
        (("frob",), "assessment：错误：参数 命令：无效的选择 'frob'（可选：'template', 'validate'"),
        (("report", "x.xlsx", "--out"), "assessment report：错误：参数 --out：需要一个值"),
        (("batch", "data", "--out", "o", "--jobs", "abc"), "assessment batch：错误：参数 --jobs：应为正整数，实际为“abc”"),
        (("score", "x.xlsx", "--bogus"), "assessment：错误：无法识别的参数：--bogus"),
    ],
)
def test_argument_errors_are_chinese_with_exit_2(args, message):
    result = run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("用法：assessment")
    assert message in result.stderr, result.stderr
    assert english_left(result.stderr) == set(), result.stderr


def test_every_command_module_is_in_the_help():
    assert len(COMMANDS) == len(COMMAND_NAMES)


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("argument --n: invalid int value: 'x'", "参数 --n：无效的值 'x'（应为整数）"),
        ("argument --mode: expected at most one argument", "参数 --mode：至多需要一个值"),
        ("argument --a: not allowed with argument --b", "参数 --a：不能与参数 --b 同时使用"),
        ("ambiguous option: --re could match --review, --rubric", "选项 --re 有歧义，可能是：--review, --rubric"),
        ("something argparse may say one day", "something argparse may say one day"),
    ],
)
def test_argparse_messages_are_translated_by_their_template(english, chinese):
    assert translate(english) == chinese
