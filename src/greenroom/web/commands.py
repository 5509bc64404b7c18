"""`greenroom serve`: run the web application on this data directory."""

from __future__ import annotations

from typing import Annotated

import typer

from greenroom.cli_support import console, fail, settings_from


def serve_command(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    secure_cookies: Annotated[bool | None, typer.Option(
        "--secure-cookies/--no-secure-cookies",
        help="Mark cookies Secure (needed behind HTTPS); default: on unless listening on loopback.")] = None,
    demo: Annotated[bool, typer.Option("--demo", help="Audit the demo union and print demo logins first.")] = False,
    upload_limit_mb: Annotated[int, typer.Option(help="Largest upload accepted, in MB.")] = 512,
) -> None:
    """Serve the staff console and the member portal (and the JSON API with docs at /api/docs)."""
    # imported here: heavy, only this command needs it
    import duckdb
    import uvicorn

    from greenroom.web.app import create_app
    from greenroom.web.demo import DemoNotReady, demo_logins, demo_settings, print_logins, seed_consents
    from greenroom.web.security import WebConfig

    settings = settings_from(ctx)
    loopback = host in ("127.0.0.1", "localhost", "::1")
    config = WebConfig(secure_cookies=(not loopback) if secure_cookies is None else secure_cookies,
                       max_upload_bytes=upload_limit_mb << 20)
    url = f"http://{'localhost' if loopback else host}:{port}/"
    logins = []
    if demo:
        try:
            settings = demo_settings(settings, console)
            logins = demo_logins(settings, seed_consents(settings, console))
        except DemoNotReady as exc:
            raise fail(str(exc)) from None
        except duckdb.IOException:
            raise fail(f"another Greenroom process is using {settings.duckdb_path}; wait for it to finish") from None
    app = create_app(settings, config)
    if logins:
        print_logins(console, url, logins)
    else:
        console.print(f"Greenroom is serving {settings.data_dir} at {url} (Ctrl+C to stop)")
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)
