"""ECharts from the npm registry: installed by ``npm ci`` into ``frontend/node_modules`` and served
at ``/assets/echarts.min.js``. When it is missing the pages say how to install it."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response

FRONTEND = Path(__file__).parent / "frontend"
MISSING_MESSAGE = (
    "ECharts is not installed, so the charts cannot be drawn. "
    f"Run `npm ci --prefix {FRONTEND}` (Node.js 20+, fetches echarts from the npm registry)."
)

router = APIRouter(include_in_schema=False)


def echarts_path() -> Path:
    return FRONTEND / "node_modules" / "echarts" / "dist" / "echarts.min.js"


@router.get("/assets/echarts.min.js")
def echarts() -> Response:
    path = echarts_path()
    if path.exists():
        return FileResponse(path, media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})
    # a script that explains itself on the page instead of failing silently
    message = MISSING_MESSAGE.replace("\\", "\\\\").replace("'", "\\'")
    body = ("window.ECHARTS_MISSING = '" + message + "';"
            "console.error(window.ECHARTS_MISSING);")
    return Response(body, media_type="text/javascript", status_code=200)
