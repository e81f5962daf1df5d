"""The workbench's pages (Chinese, Jinja2 templates over one base layout) and its small JSON status.

Every page reads the Workspace (runs.py) and the same tables the leadership workbook is built
from (render/tables*.py): the figures on the page are the workbook's figures.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import quote

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import engine
from ..errors import XunchaError
from ..findings import Level
from ..render.table_model import Pct
from . import files, views
from .guards import Guards
from .runs import HINTS, KINDS, ROLLUP_KINDS, Busy, Workspace

HERE = Path(__file__).resolve().parent
TEMPLATE_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
NAV = [("/", "概况"), ("/upload", "上传"), ("/check", "校验"), ("/run", "统计"), ("/templates", "模板"),
       ("/rollup", "汇总")]
NO_FILES = "没有选择文件。请点“选择文件”，选好工作簿后再点“上传并校验”。"
LEVELS = [level.value for level in Level]  # 错误, 警告
REFUSALS = {  # (status, kind) -> (title, what to do)
    (400, "host"): ("地址不对", "工作台只接受本机地址。请使用启动工作台时显示的网址（以 http://127.0.0.1: 开头）。"),
    (403, "token"): ("请使用启动时显示的网址",
                     "为安全起见，工作台只接受带口令的网址。请回到启动工作台的窗口，复制其中"
                     "“工作台已启动：”后面的完整网址，粘贴到浏览器地址栏打开。"),
    (403, "origin"): ("操作被拒绝", "这个请求来自工作台以外的网页，已被拒绝。请直接在工作台页面上操作。"),
    (404, "missing"): ("没有这个页面", "请从页面顶部的菜单进入。"),
    (404, "file"): ("找不到这个文件", "文件可能已被移走或重新生成。请回到“统计”页面，重新下载。"),
}


def cell(value) -> str:
    """A table cell as shown on the page (the workbook shows the same values)."""
    if value is None:
        return ""
    if isinstance(value, Pct):
        return f"{float(value) * 100:.1f}%"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:,.1f}" if not value.is_integer() else f"{int(value):,}"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10000 else str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y-%m-%d")
    return str(value)


def numeric(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["cell"] = cell
    env.filters["url"] = lambda text: quote(str(text), safe="/")
    env.filters["fill"] = views.fill_colour
    env.tests["numeric"] = numeric
    return env


class Pages:
    """The routes over one Workspace."""

    def __init__(self, ws: Workspace):
        self.ws = ws
        self.env = environment()
        self._subs: tuple | None = None  # (dataset, day, 报送情况) of the last overview

    def render(self, name: str, request: Request | None = None, status: int = 200, **context) -> HTMLResponse:
        path = request.url.path if request is not None else ""
        html = self.env.get_template(name).render(nav=NAV, here=path, busy=self.ws.busy, **context)
        return HTMLResponse(html, status_code=status)

    def refusal(self, status: int, kind: str) -> str:
        title, advice = REFUSALS[(status, kind)]
        return self.env.get_template("refusal.html").render(title=title, advice=advice, status=status)

    # ------------------------------------------------------------------ pages

    def _checked(self, force: bool = False):
        """(dataset or None, problem message)."""
        try:
            return self.ws.check(force), ""
        except (Busy, XunchaError) as exc:
            return None, getattr(exc, "message", str(exc))

    async def overview(self, request: Request):
        ds, problem = await run_in_threadpool(self._checked)
        subs = await run_in_threadpool(self._submissions, ds)
        owed = await run_in_threadpool(self._owed, ds)
        return self.render("overview.html", request, ws=self.ws, ds=ds, problem=problem,
                           counts=views.counts(ds, self.ws.std), submissions=subs, owed=owed,
                           form_name=self.ws.std.workbook("rectification").name,
                           wording=views.wording(ds, self.ws.std),
                           results=self._result_folders(), next=views.next_step(ds))

    def _owed(self, ds) -> list[str] | None:
        """Who owes a 整改进展表 as of today; None when there is nothing to count from (errors, no workbook)."""
        if ds is None or ds.errors or not ds.sources:
            return None
        return views.returns_owed(ds, self.ws.std, self.ws.today())

    def _submissions(self, ds) -> views.Submissions | None:
        """报送情况 as of today, computed once per check (the frames are rebuilt only after a change)."""
        if ds is None or not ds.sources:
            return None
        today = self.ws.today()
        cached = self._subs
        if cached is not None and cached[0] is ds and cached[1] == today:
            return cached[2]
        subs = views.submissions(ds, self.ws.std, today)
        self._subs = (ds, today, subs)
        return subs

    def _result_folders(self) -> list[tuple[str, list[tuple[str, str]]]]:
        return [(name, [(self._rel(p), p.relative_to(self.ws.outputs / name).as_posix()) for p in paths])
                for name, paths in self.ws.result_folders()]

    async def upload_form(self, request: Request):
        return self.render("upload.html", request, ws=self.ws, done=None, ds=None, problem="",
                           max_mb=files.MAX_UPLOAD_BYTES // 1024 // 1024)

    async def upload(self, request: Request):
        limit = files.MAX_UPLOAD_BYTES * files.MAX_UPLOAD_FILES
        if int(request.headers.get("content-length") or 0) > limit:
            return self._upload_problem(request, f"一次上传的文件太大（合计超过 {limit // 1024 // 1024} MB），"
                                                 "请分几次上传。", 413)
        async with request.form(max_files=files.MAX_UPLOAD_FILES, max_fields=20) as form:
            uploads = [u for u in form.getlist("files") if hasattr(u, "filename") and u.filename]
            if not uploads:
                return self._upload_problem(request, NO_FILES, 400)
            sent = []
            for u in uploads:
                data = await u.read(files.MAX_UPLOAD_BYTES + 1)  # one byte more says "too large"
                sent.append((u.filename, data))
        try:
            done = await run_in_threadpool(self.ws.upload, sent)
        except Busy as exc:
            return self._upload_problem(request, str(exc), 409)
        ds, problem = await run_in_threadpool(self._checked)
        return self.render("upload.html", request, ws=self.ws, done=done, ds=ds, problem=problem,
                           max_mb=files.MAX_UPLOAD_BYTES // 1024 // 1024)

    def _upload_problem(self, request: Request, text: str, status: int):
        return self.render("upload.html", request, status=status, ws=self.ws, done=None, ds=None, problem=text,
                           max_mb=files.MAX_UPLOAD_BYTES // 1024 // 1024)

    async def check(self, request: Request):
        ds, problem = await run_in_threadpool(self._checked, request.method == "POST")
        if request.method == "POST":
            return RedirectResponse("/check", status_code=303)
        return self._check_page(request, ds, problem, request.query_params)

    def _check_page(self, request: Request, ds, problem: str, params, status: int = 200,
                    failed: str = "", failed_text: str = ""):
        """The check page; ``failed``: the anchor of a row whose explanation could not be saved."""
        level, file = str(params.get("level", "")), str(params.get("file", ""))
        state = str(params.get("status", ""))
        findings = ds.findings if ds is not None else []
        shown = [f for f in findings if (not level or f.level.value == level) and (not file or f.file == file)]
        rows = [] if ds is None else [r for r in views.check_rows(ds, shown, self.ws.std)
                                      if not state or r.status == state]
        if failed_text and not any(r.anchor == failed and not r.f.is_error for r in rows):
            problem = problem or failed_text  # the row is not shown (an error, or gone): say it on top
        return self.render("check.html", request, status=status, ws=self.ws, ds=ds, problem=problem, rows=rows,
                           all_count=len(findings), levels=LEVELS, level=level, file=file,
                           statuses=views.STATUSES, status_=state, min_length=engine.min_length(self.ws.std),
                           files_with_findings=sorted({f.file for f in findings if f.file}),
                           report=self._rel(self.ws.check_report), failed=failed, failed_text=failed_text)

    async def explain(self, request: Request):
        """Save the 核实说明 of one warning (核实说明（工作台）.xlsx in the inputs), recheck, show its row."""
        form = await request.form()
        key = views.key_of(form)
        text, by = str(form.get("text") or "").strip(), str(form.get("by") or "").strip()
        # back to the same filters, the 状态 filter dropped: the row shows its new state
        params = {"level": str(form.get("level") or ""), "file": str(form.get("file_filter") or "")}
        query = "&".join(f"{k}={quote(v)}" for k, v in params.items() if v)
        if not text:
            ds, _ = await run_in_threadpool(self._checked)
            return self._check_page(request, ds, "", params, 400, views.anchor(key),
                                    "没有填写核实说明：请在框中写明核实了什么、结论是什么，再点“保存说明”。")
        try:
            await run_in_threadpool(self.ws.explain, key, text, by)
        except (Busy, XunchaError) as exc:
            ds, _ = await run_in_threadpool(self._checked)
            return self._check_page(request, ds, "", params, 409 if isinstance(exc, Busy) else 400,
                                    views.anchor(key), getattr(exc, "message", str(exc)))
        return RedirectResponse(f"/check{'?' + query if query else ''}#{views.anchor(key)}", status_code=303)

    async def run_page(self, request: Request):
        last = self.ws.run  # the form shows the last run's choice again
        return self.render("run.html", request, ws=self.ws, run=last, kinds=KINDS, hints=HINTS, problem="",
                           kind=last.kind if last else "annual", period=last.period_text if last else "",
                           as_of=last.as_of if last else "", view=views.results(last, self.ws.outputs))

    async def start_run(self, request: Request):
        form = await request.form()
        kind, period = str(form.get("kind", "")), str(form.get("period", ""))
        as_of = str(form.get("as_of", ""))
        try:
            await run_in_threadpool(self.ws.start_run, kind, period, as_of)
        except (Busy, XunchaError) as exc:
            return self.render("run.html", request, status=409 if isinstance(exc, Busy) else 400, ws=self.ws,
                               run=self.ws.run, kinds=KINDS, hints=HINTS, problem=getattr(exc, "message", str(exc)),
                               kind=kind, period=period, as_of=as_of,
                               view=views.results(self.ws.run, self.ws.outputs))
        return RedirectResponse("/run", status_code=303)

    async def status(self, request: Request):
        run = self.ws.run
        if run is None:
            return JSONResponse({"status": "none"})
        return JSONResponse({"status": run.status, "step": run.step, "seconds": run.seconds,
                             "lines": run.lines[-3:]})

    async def templates(self, request: Request):
        try:
            paths = await run_in_threadpool(self.ws.templates, request.method == "POST")
            problem = ""
        except (Busy, XunchaError) as exc:
            paths, problem = [], getattr(exc, "message", str(exc))
        if request.method == "POST" and not problem:
            return RedirectResponse("/templates", status_code=303)
        return await self._templates_page(request, paths, problem)

    async def _templates_page(self, request: Request, paths=None, problem: str = "", forms_problem: str = "",
                              status: int = 200):
        if paths is None:
            paths = await run_in_threadpool(self.ws.templates, False)
        ds, _ = await run_in_threadpool(self._checked)
        choices = await run_in_threadpool(views.form_choices, ds, self.ws.std, self.ws.today())
        forms = self.ws.forms
        written = [(self._rel(p), p.name) for p in (forms.written if forms else []) if p.is_file()]
        archive = self._rel(forms.archive) if forms and forms.archive and forms.archive.is_file() else ""
        return self.render("templates.html", request, status=status, ws=self.ws, paths=[self._rel(p) for p in paths],
                           problem=problem, forms_problem=forms_problem, choices=choices, forms=forms,
                           written=written, archive=archive, form_name=self.ws.std.workbook("rectification").name,
                           checked=ds is not None and not ds.errors)

    async def rectification_forms(self, request: Request):
        """生成整改进展表: every organisation with an open problem, or the one chosen; then the 模板 page."""
        form = await request.form()
        org = str(form.get("org") or "").strip()
        try:
            await run_in_threadpool(self.ws.rectification_forms, org)
        except (Busy, XunchaError) as exc:
            return await self._templates_page(request, forms_problem=getattr(exc, "message", str(exc)),
                                              status=409 if isinstance(exc, Busy) else 400)
        return RedirectResponse("/templates#rectification-forms", status_code=303)

    async def rollup(self, request: Request):
        """The city's page: the packages under a folder (default: the inputs) and the last roll-up."""
        last = self.ws.rollup
        folder_text = request.query_params.get("folder", "")
        if not folder_text and last is not None and last.folder != self.ws.inputs:
            folder_text = str(last.folder)
        return await self._rollup_page(request, folder_text, last.period_text if last else "",
                                       kind=last.kind if last else "")

    async def _rollup_page(self, request: Request, folder_text: str, period: str, status: int = 200,
                           problem: str = "", kind: str = ""):
        folder = self.ws.rollup_folder(folder_text)
        try:
            city = await run_in_threadpool(self.ws.packages, folder)
            found, skipped, rosters = views.packages(city), city.skipped, city.rosters
        except XunchaError as exc:
            found, skipped, rosters, problem = [], [], [], problem or exc.message
        last = self.ws.rollup
        result = last.result if last is not None else None
        return self.render("rollup.html", request, status=status, ws=self.ws, folder=folder,
                           folder_text=folder_text, period=period, kinds=ROLLUP_KINDS, hints=HINTS, kind=kind,
                           packages=found, skipped=skipped,
                           rosters=rosters, problem=problem, last=last,
                           findings=views.rollup_findings(result, self.ws.std),
                           tables=views.rollup_tables(result, self.ws.std),
                           files=[(self._rel(p), p.name) for p in (result.written if result else [])
                                  if p.is_file()])

    async def start_rollup(self, request: Request):
        form = await request.form()
        period, folder_text = str(form.get("period", "")), str(form.get("folder", ""))
        kind = str(form.get("kind", ""))
        folder = self.ws.rollup_folder(folder_text)
        try:
            if not folder.is_dir():
                raise XunchaError(f"找不到文件夹“{folder}”。请填写存放各县区上报包的文件夹。")
            await run_in_threadpool(self.ws.start_rollup, period, folder, kind)
        except (Busy, XunchaError) as exc:
            return await self._rollup_page(request, folder_text, period, 409 if isinstance(exc, Busy) else 400,
                                           getattr(exc, "message", str(exc)), kind)
        query = f"?folder={quote(folder_text)}" if folder_text.strip() else ""
        return RedirectResponse(f"/rollup{query}#rollup-result", status_code=303)

    async def download(self, request: Request):
        path = files.download_path(self.ws.outputs, request.path_params["path"])
        if path is None:
            return HTMLResponse(self.refusal(404, "file"), status_code=404)
        return FileResponse(path, filename=path.name, content_disposition_type="attachment")

    def _rel(self, path: Path | None) -> str:
        return files.relative_url(self.ws.outputs, path) if path is not None else ""

    async def not_found(self, request: Request, exc: HTTPException):
        if exc.status_code == 405:
            return HTMLResponse(self.refusal(404, "missing"), status_code=405)
        return HTMLResponse(self.refusal(404, "missing"), status_code=exc.status_code)


def create_app(ws: Workspace, port: int, token: str):
    """The workbench as an ASGI application, every request behind the guards."""
    pages = Pages(ws)
    routes = [
        Route("/", pages.overview),
        Route("/upload", pages.upload_form, methods=["GET"]),
        Route("/upload", pages.upload, methods=["POST"]),
        Route("/check", pages.check, methods=["GET", "POST"]),
        Route("/check/explain", pages.explain, methods=["POST"]),
        Route("/run", pages.run_page, methods=["GET"]),
        Route("/run", pages.start_run, methods=["POST"]),
        Route("/run/status", pages.status),
        Route("/templates", pages.templates, methods=["GET", "POST"]),
        Route("/templates/rectification", pages.rectification_forms, methods=["POST"]),
        Route("/rollup", pages.rollup, methods=["GET"]),
        Route("/rollup", pages.start_rollup, methods=["POST"]),
        Route("/download/{path:path}", pages.download),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    inner = Starlette(routes=routes, exception_handlers={HTTPException: pages.not_found})
    return Guards(inner, port, token, pages.refusal)
