"""The archive tools that live in their own environment (.venv-pywb): pywb and py-wacz."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from foicrawl.errors import FoicrawlError

TOOLS_ENV = "FOICRAWL_TOOLS_VENV"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


class ToolMissing(FoicrawlError):
    pass


def tool(name: str) -> str:
    """Path of `wayback`, `wacz`, ...: from $FOICRAWL_TOOLS_VENV, ./.venv-pywb, or the PATH."""
    candidates = [Path(os.environ[TOOLS_ENV]) / "bin" / name] if os.environ.get(TOOLS_ENV) else []
    candidates.append(PROJECT_ROOT / ".venv-pywb" / "bin" / name)
    for candidate in candidates:
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    raise ToolMissing(f"{name} is not installed: run ./setup.sh (it installs pywb and wacz into .venv-pywb)")


def tools_python() -> str:
    """The Python of the archive tools' environment (the one that can import pywb)."""
    wayback = Path(tool("wayback"))
    for name in ("python", "python3"):
        if (wayback.parent / name).exists():
            return str(wayback.parent / name)
    first_line = wayback.read_text(encoding="utf-8", errors="replace").splitlines()[0]
    if first_line.startswith("#!") and len(first_line.split()) == 1:
        return first_line[2:].strip()  # an installed script names its interpreter
    raise ToolMissing(f"cannot tell which Python runs {wayback}: set {TOOLS_ENV} to the environment holding pywb")
