"""Which panes LibreOffice Calc shows frozen on each sheet of each workbook given.

    python3 calc_frozen_panes.py PROFILE_DIR WORKBOOK...   # prints {path: {sheet: [columns, rows]}}

`soffice --convert-to` drops every view setting (it opens no view), so frozen panes can only
be seen through a view: this script starts headless soffice, opens each workbook in a hidden
window through UNO and asks the window's controller. Run with the Python that LibreOffice's
`uno` module belongs to (Debian's /usr/bin/python3 with python3-uno), not the project's.
"""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
import time
import uuid

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.lang import DisposedException


def connect(pipe: str, seconds: float = 60) -> object:
    """The component context of the soffice listening on `pipe`, once it answers."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + seconds
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:  # until soffice listens
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def frozen_panes(profile: pathlib.Path, paths: list[str]) -> dict[str, dict[str, list[int]]]:
    """{path: {sheet: [frozen columns, frozen rows]}} as Calc's view has them ([0, 0]: none)."""
    pipe = f"assessment-{uuid.uuid4().hex}"
    soffice = subprocess.Popen(
        ["soffice", f"-env:UserInstallation={profile.absolute().as_uri()}", "--headless", "--invisible",
         "--norestore", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    desktop = None
    try:
        ctx = connect(pipe)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        hidden = PropertyValue()
        hidden.Name, hidden.Value = "Hidden", True
        found: dict[str, dict[str, list[int]]] = {}
        for path in paths:
            doc = desktop.loadComponentFromURL(pathlib.Path(path).absolute().as_uri(), "_blank", 0, (hidden,))
            view = doc.getCurrentController()
            found[path] = {}
            for index in range(doc.Sheets.Count):
                sheet = doc.Sheets.getByIndex(index)
                view.setActiveSheet(sheet)
                frozen = view.hasFrozenPanes()
                found[path][sheet.Name] = [view.getSplitColumn(), view.getSplitRow()] if frozen else [0, 0]
            doc.close(True)
        return found
    finally:
        if desktop is not None:
            try:
                desktop.terminate()
            except DisposedException:  # the bridge closes as soffice quits
                pass
        try:
            soffice.wait(timeout=60)
        except subprocess.TimeoutExpired:
            soffice.kill()


if __name__ == "__main__":
    print(json.dumps(frozen_panes(pathlib.Path(sys.argv[1]), sys.argv[2:]), ensure_ascii=False))
