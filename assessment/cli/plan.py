"""`assessment plan FILE… [--json] [--controllable-only] [--tasks OUT.xlsx]`: the fewest
measures that bring each district to 达标 (see `assessment.plan.solve`)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessment.util.console import print_problems
from assessment.util.errors import EXIT_INVALID, EXIT_OK

if TYPE_CHECKING:
    from assessment.inputs.model import Problem


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("plan", help="计算达标所需的最少整改措施")
    p.add_argument("files", type=Path, nargs="+", metavar="INPUT", help="填报文件（.xlsx 或 .json），可多个")
    p.add_argument("--json", action="store_true", help="每个文件输出一行JSON")
    p.add_argument("--controllable-only", action="store_true",
                   help="只用本单位可自主完成的措施（不含表彰、入选、排名等需争取事项）；无法达标时说明各条件的差距")
    p.add_argument("--tasks", type=Path, default=None, metavar="OUT.xlsx",
                   help="另存整改任务清单（xlsx，每项措施一行）；只能用于一个填报文件")
    p.add_argument("--force", action="store_true",
                   help="替换已存在的任务清单（其中“状态”列已填写的进度将丢失；不会替换填报文件或特殊文件）")
    p.set_defaults(func=run)
    return p


def _tasks_problem(args: argparse.Namespace) -> Problem | None:
    """Why --tasks cannot be honoured, before anything is computed or written."""
    from assessment.inputs.model import Location, Problem

    out: Path | None = args.tasks
    if out is None:
        return None
    if len(args.files) != 1:
        return Problem(Location(str(out)), f"整改任务清单只能对应一个填报文件，本次给出了{len(args.files)}个")
    if out.suffix.lower() != ".xlsx":
        return Problem(Location(str(out)), f"不支持的任务清单类型“{out.suffix}”：应为 .xlsx")
    if not out.parent.is_dir():
        return Problem(Location(str(out)), "任务清单所在目录不存在")
    return None


def run(args: argparse.Namespace) -> int:
    """Plan every input in order; invalid inputs or an unusable --tasks: print every problem
    and return 2 without writing anything."""
    from assessment import api
    from assessment.plan.json_form import plan_to_dict
    from assessment.plan.solve import make_plan
    from assessment.plan.text import plan_text
    from assessment.rubric.loader import load_rubric

    if getattr(args, "tasks", None) is not None:
        from assessment.publish.outputs import check_target

        check_target(args.tasks, args.files, force=getattr(args, "force", False), filled_in=True)
    rubric = load_rubric(getattr(args, "rubric", None))
    inputs, problems = api.load_all(args.files, rubric)
    wrong = _tasks_problem(args)
    if wrong is not None:
        problems.append(wrong)
    if problems:
        print_problems(problems)
        return EXIT_INVALID
    for inp in inputs:
        plan = make_plan(rubric, inp, controllable_only=getattr(args, "controllable_only", False))
        print(json.dumps(plan_to_dict(plan), ensure_ascii=False) if args.json else plan_text(plan))
        if getattr(args, "tasks", None) is not None:
            from assessment.plan.tasks import write_tasks

            write_tasks(plan, args.tasks)
            if not args.json:
                print(f"已生成整改任务清单：{args.tasks}")
    return EXIT_OK
