"""A tiny WSGI app used as a Stagecraft sample."""
from markupsafe import escape


def greeting(name: str | None = None) -> str:
    """The text served at /hello, HTML-escaped."""
    return f"hello, {escape(name or 'world')}"


def application(environ, start_response):
    from urllib.parse import parse_qs

    path = environ.get("PATH_INFO", "/")
    if path == "/healthz":
        start_response("204 No Content", [])
        return [b""]
    if path == "/hello":
        name = parse_qs(environ.get("QUERY_STRING", "")).get("name", [None])[0]
        start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
        return [(greeting(name) + "\n").encode()]
    start_response("404 Not Found", [])
    return [b""]
