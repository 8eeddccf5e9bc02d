"""The project's JupyterLab settings, read when Lab starts with JUPYTER_CONFIG_PATH=tools/jupyter (tools/lab.sh).

Lab's settings overrides (lab-settings/overrides.json: the interface in Chinese) come from this
folder instead of the environment's, so the user's own Jupyter configuration is never touched
and a setting the user changes in Lab still wins over ours.
"""

from pathlib import Path

c = get_config()  # type: ignore[name-defined]  # noqa: F821  (traitlets defines it in config files)
c.LabApp.app_settings_dir = str(Path(__file__).resolve().parent / "lab-settings")
