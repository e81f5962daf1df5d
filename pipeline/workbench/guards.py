"""The guards every request passes, as one ASGI middleware, in this order (workbench.md):

1. Host must be ``127.0.0.1:<port>`` or ``localhost:<port>``, else 400 (against DNS rebinding:
   a page of another site whose name was made to point at 127.0.0.1 sends its own name);
2. ``?token=`` with the right token sets the cookie (HttpOnly, SameSite=Strict) and redirects to
   the same address without the token; otherwise a valid cookie is needed, else 403;
3. a state-changing request whose Origin is present and not this workbench (``null`` included)
   is 403 (against another page posting forms here);
4. every response, these refusals included, carries the security headers below.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import HTMLResponse, RedirectResponse

TOKEN_PARAM = "token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'",  # no CDN, no inline script or style, no other host
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # default-src does not cover frame-ancestors
    # not "no-referrer": with it browsers send "Origin: null" on the workbench's own form posts
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",  # figures change with every run: never show a stale page
}


def new_token() -> str:
    """A fresh random token (43 URL-safe characters), valid until the server stops."""
    return secrets.token_urlsafe(32)


def cookie_name(port: int) -> str:
    """The cookie's name: cookies are shared by every port of a host, so the port is part of it."""
    return f"xuncha_token_{port}"


def allowed_hosts(port: int) -> frozenset[str]:
    return frozenset({f"127.0.0.1:{port}", f"localhost:{port}"})


def allowed_origins(port: int) -> frozenset[str]:
    return frozenset({f"http://127.0.0.1:{port}", f"http://localhost:{port}"})


class Guards:
    """ASGI middleware applying the guards above; ``refusal(status, kind)`` renders the Chinese pages."""

    def __init__(self, app, port: int, token: str, refusal: Callable[[int, str], str]):
        self.app, self.port, self.token, self.refusal = app, port, token, refusal
        self.hosts, self.origins = allowed_hosts(port), allowed_origins(port)
        self.cookie = cookie_name(port)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = self._adding_headers(send)
        response = self._refusal(scope)
        if response is not None:
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _refusal(self, scope):
        """The response refusing or redirecting this request, or None to let it through."""
        headers = Headers(scope=scope)
        if headers.get("host", "").lower() not in self.hosts:
            return self._page(400, "host")
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        sent = [value for key, value in query if key == TOKEN_PARAM]
        if sent:
            if not self._valid(sent[-1]):
                return self._page(403, "token")
            return self._login(scope, [(k, v) for k, v in query if k != TOKEN_PARAM])
        if not self._valid(self._cookie(headers)):
            return self._page(403, "token")
        origin = headers.get("origin")
        if scope["method"] not in SAFE_METHODS and origin is not None and origin not in self.origins:
            return self._page(403, "origin")
        return None

    def _valid(self, token: str | None) -> bool:
        return token is not None and secrets.compare_digest(token.encode(), self.token.encode())

    def _cookie(self, headers: Headers) -> str | None:
        jar = SimpleCookie()
        try:
            jar.load(headers.get("cookie", ""))
        except Exception:  # noqa: BLE001 - a malformed cookie header is simply no cookie
            return None
        morsel = jar.get(self.cookie)
        return morsel.value if morsel else None

    def _login(self, scope, rest: list[tuple[str, str]]):
        """Set the cookie and send the browser to the same address without the token."""
        target = scope.get("root_path", "") + scope["path"]
        if rest:
            target += "?" + urlencode(rest)
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(self.cookie, self.token, httponly=True, samesite="strict", path="/")
        return response

    def _page(self, status: int, kind: str):
        return HTMLResponse(self.refusal(status, kind), status_code=status)

    @staticmethod
    def _adding_headers(send):
        async def wrapped(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
            await send(message)
        return wrapped
