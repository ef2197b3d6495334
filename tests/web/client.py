"""A browser-like client of the web pages in process: https (the cookies are Secure), forms with their CSRF
token read from the page, as a browser submits them."""

from __future__ import annotations

import re
import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Browser:
    def __init__(self, app) -> None:  # noqa: ANN001
        self.client = TestClient(app, base_url="https://testserver")

    def get(self, path: str, **kwargs):  # noqa: ANN201
        return self.client.get(path, **kwargs)

    def csrf(self, path: str) -> str:
        page = self.client.get(path)
        assert page.status_code == 200, page.text
        return _CSRF.search(page.text).group(1)

    def post(self, form_page: str, action: str, **fields: str):  # noqa: ANN201
        """Submit a form of `form_page` (its CSRF token) to `action`, without following the redirect."""
        return self.client.post(action, data={"csrf": self.csrf(form_page), **fields}, follow_redirects=False)

    def sign_in(self, username: str, password: str):  # noqa: ANN201
        return self.post("/web/login", "/web/login", username=username, password=password)
