"""ECharts from the npm registry: installed by ``npm ci`` into ``frontend/node_modules`` and served
at ``/assets/echarts.min.js`` (never committed). Without it the server still starts, says in the
terminal what is missing and how to install it, and every page shows a note in place of each
chart (docs/deployment.md, "Charts")."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, PlainTextResponse, Response

#: the folder of package.json; ``create_app(frontend=…)`` serves another one (tests: an empty one)
FRONTEND = Path(__file__).parent / "frontend"
ECHARTS = Path("node_modules") / "echarts" / "dist" / "echarts.min.js"

router = APIRouter(include_in_schema=False)


def echarts_path(frontend: Path | None = None) -> Path:
    return (frontend or FRONTEND) / ECHARTS


def missing_message(frontend: Path | None = None) -> str:
    """What the terminal says when ECharts is not installed: what, why it matters, the fix."""
    folder = frontend or FRONTEND
    return (f"the charts need ECharts, which is not installed (no {echarts_path(folder)}). "
            "The pages work and show a note in place of each chart. To install it (Node.js 20+, "
            f"fetched from the npm registry): cd {folder} && npm ci")


def frontend_of(request: Request) -> Path:
    folder: Path = request.app.state.frontend
    return folder


def charts_ready(request: Request) -> bool:
    """Whether the pages can draw charts (templates put a note in their place otherwise)."""
    return echarts_path(frontend_of(request)).exists()


@router.get("/assets/echarts.min.js")
def echarts(request: Request) -> Response:
    path = echarts_path(frontend_of(request))
    if path.exists():
        return FileResponse(path, media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})
    return PlainTextResponse(missing_message(frontend_of(request)), status_code=404)
