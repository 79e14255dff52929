"""Load test: simulated phones against a running server, and a bare Socket.IO relay as baseline.

One asyncio process drives every simulated device: N phones join over HTTP (join page, CSRF
token, signed session cookie), connect Socket.IO with that cookie, a host console and a
projector connect too, the host starts a round, and the phones post notes one at a time with
an ack, first at a realistic rate and then at a stress rate. Every device records when each
note's fragment reaches it. The same devices, grouped at the same tables, then drive a bare
python-socketio relay (``python -m worldcafe_loadtest relay PORT``) with the same note rates,
so the app's fan-out is compared with what the transport alone costs on this machine.

It ships beside the app, outside the app package, as the optional extra ``loadtest`` (it needs
aiohttp); the ``worldcafe loadtest`` command imports it when it runs.
"""

from worldcafe_loadtest.measure import (
    CSRF_FIELD,
    CSRF_HEADER,
    LINK,
    NOTE_ID,
    SAMPLE_TEXT,
    TABLE_PANEL,
    WORDS,
    CafeLinks,
    LoadTestError,
    Settings,
    _listening_inodes,
    _status_number,
    cafe_config,
    child_pids,
    free_port,
    local_port,
    on_server,
    peak_rss_mb,
    percentiles,
    serve_relay,
    server_pids,
    start_relay,
    table_count,
)
from worldcafe_loadtest.phones import (
    Device,
    Tracker,
    _cookie_header,
    _csrf,
    _fetch,
    _gather_limited,
    _Headers,
    create_cafe_as_organiser,
    host_post,
    join_phone,
    open_page,
    seated_round,
)
from worldcafe_loadtest.run import (
    Traffic,
    _await_all,
    _note_text,
    format_report,
    run,
    run_app,
    run_load_test,
    run_relay,
)

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "LINK",
    "NOTE_ID",
    "SAMPLE_TEXT",
    "TABLE_PANEL",
    "WORDS",
    "CafeLinks",
    "Device",
    "LoadTestError",
    "Settings",
    "Tracker",
    "Traffic",
    "_Headers",
    "_await_all",
    "_cookie_header",
    "_csrf",
    "_fetch",
    "_gather_limited",
    "_listening_inodes",
    "_note_text",
    "_status_number",
    "cafe_config",
    "child_pids",
    "create_cafe_as_organiser",
    "format_report",
    "free_port",
    "host_post",
    "join_phone",
    "local_port",
    "on_server",
    "open_page",
    "peak_rss_mb",
    "percentiles",
    "run",
    "run_app",
    "run_load_test",
    "run_relay",
    "seated_round",
    "serve_relay",
    "server_pids",
    "start_relay",
    "table_count",
]
