"""The workbench's guards, in-process (Starlette's TestClient): Host, token -> cookie, Origin, headers."""

from __future__ import annotations

import re

import pytest

import wb
from pipeline.workbench.guards import SECURITY_HEADERS, cookie_name
from workbench_kit import BASE, PORT, TOKEN, client, workspace

CSP = "default-src 'self'"


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    folder = tmp_path_factory.mktemp("guards")
    wb.write_county(folder / "inputs")
    return workspace(folder / "inputs", folder / "outputs")


def _secure(response) -> None:
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8765", "127.0.0.1", "localhost",
                                  "127.0.0.1:8766", "0.0.0.0:8765", "[::1]:8765", "127.0.0.2:8765", ""])
def test_wrong_host_is_400_before_anything_else(ws, host):
    c = client(ws, follow_redirects=False)
    # with the token AND the cookie: the Host check comes first all the same
    response = c.get(f"/?token={TOKEN}", headers={"host": host})
    assert response.status_code == 400
    _secure(response)
    assert "地址不对" in response.text and "http://127.0.0.1:" in response.text
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize("host", [f"127.0.0.1:{PORT}", f"localhost:{PORT}", f"LOCALHOST:{PORT}"])
def test_right_hosts_pass(ws, host):
    assert client(ws).get("/templates", headers={"host": host}).status_code == 200


def test_token_sets_the_cookie_and_redirects_without_it(ws):
    c = client(ws, login=False, follow_redirects=False)
    response = c.get(f"/check?level=错误&token={TOKEN}")
    assert response.status_code == 303
    assert response.headers["location"] == "/check?level=%E9%94%99%E8%AF%AF"  # same path, the rest kept
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{cookie_name(PORT)}={TOKEN};")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    _secure(response)
    # the browser now has the cookie: the page itself, without any token in the address
    assert c.get("/check?level=错误").status_code == 200


def test_token_at_the_root_redirects_to_the_root(ws):
    response = client(ws, login=False, follow_redirects=False).get(f"/?token={TOKEN}")
    assert (response.status_code, response.headers["location"]) == (303, "/")


@pytest.mark.parametrize("path", ["/", "/check", "/run", "/run/status", "/upload", "/templates", "/rollup",
                                  "/download/校验报告.xlsx", "/static/workbench.css", "/没有这页"])
def test_without_cookie_or_token_is_403_with_a_chinese_page(ws, path):
    response = client(ws, login=False).get(path)
    assert response.status_code == 403
    _secure(response)
    assert "请使用启动时显示的网址" in response.text
    assert "工作台已启动：" in response.text  # says which line to copy


@pytest.mark.parametrize("query", ["?token=wrong", f"?token={TOKEN}x", "?token=", f"?token={TOKEN[:-1]}"])
def test_wrong_token_is_403_and_sets_nothing(ws, query):
    response = client(ws, login=False, follow_redirects=False).get("/" + query)
    assert response.status_code == 403
    assert "set-cookie" not in response.headers


def test_wrong_cookie_or_another_ports_cookie_is_403(ws):
    c = client(ws, login=False)
    c.cookies.set(cookie_name(PORT), "wrong")
    assert c.get("/").status_code == 403
    c = client(ws, login=False)
    c.cookies.set(cookie_name(PORT + 1), TOKEN)  # a workbench on another port: cookies ignore ports
    assert c.get("/").status_code == 403


def test_a_malformed_cookie_header_is_no_cookie(ws):
    response = client(ws, login=False).get("/", headers={"cookie": '=";;;"\x7f'})
    assert response.status_code == 403


@pytest.mark.parametrize("origin", ["null", "http://evil.example", f"http://127.0.0.1:{PORT + 1}",
                                    f"https://127.0.0.1:{PORT}", f"http://127.0.0.1:{PORT}/", f"HTTP://LOCALHOST:{PORT}",
                                    f"http://localhost.evil.example:{PORT}", ""])
def test_post_from_another_origin_is_403(ws, origin):
    response = client(ws, follow_redirects=False).post("/check", headers={"origin": origin})
    assert response.status_code == 403
    _secure(response)
    assert "操作被拒绝" in response.text


@pytest.mark.parametrize("origin", [BASE, f"http://localhost:{PORT}", None])
def test_post_from_the_workbench_or_without_origin_passes(ws, origin):
    headers = {"origin": origin} if origin else {}
    response = client(ws, follow_redirects=False).post("/check", headers=headers)
    assert (response.status_code, response.headers["location"]) == (303, "/check")


def test_get_with_a_foreign_origin_is_not_state_changing(ws):
    assert client(ws).get("/templates", headers={"origin": "http://evil.example"}).status_code == 200


@pytest.mark.parametrize("path", ["/", "/upload", "/check", "/run", "/run/status", "/templates", "/rollup",
                                  "/static/workbench.css", "/static/workbench.js", "/static/没有.css",
                                  "/download/没有.xlsx", "/没有这页"])
def test_every_response_has_the_security_headers(ws, path):
    response = client(ws).get(path)
    _secure(response)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value


def test_pages_name_no_other_host(ws):
    """No CDN, no web font, no other host; no script or style inline (the CSP would block them anyway)."""
    c = client(ws)
    for path in ("/", "/upload", "/check", "/run", "/templates", "/rollup"):
        text = c.get(path).text
        links = re.findall(r'(?:src|href|action)="([^"]*)"', text)
        assert links and all(re.match(r"^(/(?!/)|#)", link) for link in links), (path, links)
        assert "<script>" not in text and " style=" not in text and "<style" not in text, path
    css, js = c.get("/static/workbench.css").text, c.get("/static/workbench.js").text
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    assert re.findall(r'fetch\("([^"]*)"', js) == ["/run/status"] and "http" not in js
