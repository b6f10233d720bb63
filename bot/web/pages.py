"""The dashboard's HTML, rendered on the server; every value from the database or a user is escaped."""
from __future__ import annotations

from collections.abc import Iterable
from html import escape
from urllib.parse import quote

from bot.service.templates import TemplateInfo
from bot.web.live import IngestStatus
from bot.web.overview import ChatUsage, JobRow

# How a job's state reads on the page.
STATE_WORDS = {"queued": "queued", "running": "running", "done": "finished", "failed": "failed",
               "cancelled": "cancelled"}

STYLE = """
body{font:15px/1.4 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:.75rem;color:#222}
h1{font-size:1.3rem;display:flex;justify-content:space-between;align-items:center;gap:1rem}
h2{font-size:1.1rem;margin-top:1.5rem}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd;white-space:nowrap}
td.reason{white-space:normal;min-width:14rem}
.state-finished{color:#176117}.state-failed{color:#a11}.state-running{color:#0b4f9c}
.templates{display:grid;grid-template-columns:repeat(auto-fill,minmax(10rem,1fr));gap:.75rem}
.template{border:1px solid #ddd;border-radius:.4rem;padding:.5rem}
.template video{width:100%;aspect-ratio:1;background:#000;border-radius:.3rem}
form.inline{display:inline}button{font:inherit;padding:.3rem .7rem}
input{font:inherit;padding:.3rem;max-width:100%}label{display:block;margin:.3rem 0}
.notice{background:#fff6d5;border:1px solid #e8d27a;padding:.5rem;border-radius:.3rem}
"""

SCRIPT = """
const source = new EventSource("/events");
for (const part of ["queue", "workers", "ingests"]) {
  source.addEventListener(part, (event) => { document.getElementById(part).innerHTML = event.data; });
}
"""


def page(title: str, body: str) -> str:
    """A whole HTML page, readable on a phone."""
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>{body}</body></html>")


def login(csrf: str, message: str | None = None) -> str:
    """The login form."""
    notice = f'<p class="notice">{escape(message)}</p>' if message else ""
    return page("memebot: log in", (
        f"<h1>memebot operator page</h1>{notice}"
        f'<form method="post" action="/login"><input type="hidden" name="csrf" value="{escape(csrf)}">'
        '<label>Admin token <input type="password" name="token" autocomplete="current-password" required '
        'autofocus></label><button type="submit">Log in</button></form>'))


def dashboard(*, csrf: str, notice: str | None, queue: str, workers: str, ingests: str,
              failures: list[JobRow], usage: list[ChatUsage], templates: list[TemplateInfo]) -> str:
    """The operator's page: the live parts (queue, workers, ingests) are replaced by the event stream."""
    token = f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
    notice_html = f'<p class="notice" id="notice">{escape(notice)}</p>' if notice else ""
    return page("memebot", (
        f'<h1>memebot <form class="inline" method="post" action="/logout">{token}'
        f'<button type="submit">Log out</button></form></h1>{notice_html}'
        f'<h2>Queue</h2><div class="scroll"><table><thead><tr><th>job</th><th>state</th><th>progress</th>'
        f'<th>template</th><th>backend</th><th>user</th><th>chat</th><th>worker</th><th>attempts</th>'
        f'<th>created (UTC)</th></tr></thead><tbody id="queue">{queue}</tbody></table></div>'
        f'<h2>Workers</h2><ul id="workers">{workers}</ul>'
        f'<h2>Failures</h2><div class="scroll"><table><thead><tr><th>job</th><th>template</th><th>user</th>'
        f'<th>reason</th></tr></thead><tbody>{_failure_rows(failures)}</tbody></table></div>'
        f'<h2>Usage today (UTC)</h2><div class="scroll"><table><thead><tr><th>chat</th><th>videos</th></tr>'
        f'</thead><tbody>{_usage_rows(usage)}</tbody></table></div>'
        f'<h2>Templates</h2><div class="templates">{"".join(_template(t, token) for t in templates)}</div>'
        f'<h3>Add a template</h3><form method="post" action="/templates" enctype="multipart/form-data">{token}'
        '<label>Name <input name="slug" required pattern="[a-z0-9][a-z0-9-]*"></label>'
        '<label>Title <input name="title"></label>'
        '<label>Start (s) <input name="start" inputmode="decimal"></label>'
        '<label>End (s) <input name="end" inputmode="decimal"></label>'
        '<label>Clip <input type="file" name="clip" accept="video/*" required></label>'
        '<button type="submit">Add</button></form><ul id="ingests">'
        f"{ingests}</ul><script>{SCRIPT}</script>"))


def queue_rows(rows: Iterable[JobRow], progress: dict[int, str]) -> str:
    """The queue table's body."""
    lines = []
    for row in rows:
        state = STATE_WORDS.get(row.state, row.state)
        lines.append(
            f'<tr id="job-{row.id}"><td>{row.id}</td><td class="state state-{state}">{state}</td>'
            f"<td>{escape(progress.get(row.id, ''))}</td><td>{escape(row.template)}</td>"
            f"<td>{escape(row.backend)}</td><td>{escape(row.user)}</td><td>{escape(row.chat)}</td>"
            f"<td>{escape(row.worker or '')}</td><td>{row.attempts}</td>"
            f"<td>{row.created_at:%Y-%m-%d %H:%M:%S}</td></tr>")
    return "".join(lines) or '<tr><td colspan="10">No jobs yet.</td></tr>'


def worker_items(busy: dict[str, list[int]], idle_note: str) -> str:
    """The workers list: each busy worker with its current job(s)."""
    items = [f"<li>{escape(worker)}: job {', '.join(map(str, jobs))}</li>" for worker, jobs in busy.items()]
    return "".join(items) or f"<li>{escape(idle_note)}</li>"


def ingest_items(ingests: Iterable[IngestStatus]) -> str:
    """Templates being added, with their progress or outcome."""
    items = []
    for ingest in ingests:
        if ingest.error:
            state = f"failed: {ingest.error}"
        elif ingest.ended:
            state = "added"
        else:
            state = f"{ingest.stage} {100 * ingest.fraction:.0f}%"
        items.append(f"<li>{escape(ingest.slug)}: {escape(state)}</li>")
    return "".join(items)


def _failure_rows(rows: list[JobRow]) -> str:
    lines = [f'<tr><td>{row.id}</td><td>{escape(row.template)}</td><td>{escape(row.user)}</td>'
             f'<td class="reason">{escape(row.error or "")}</td></tr>' for row in rows]
    return "".join(lines) or '<tr><td colspan="4">No failures.</td></tr>'


def _usage_rows(rows: list[ChatUsage]) -> str:
    lines = [f"<tr><td>{escape(row.chat)}</td><td>{row.used}</td></tr>" for row in rows]
    return "".join(lines) or '<tr><td colspan="2">No videos today.</td></tr>'


def _template(template: TemplateInfo, token: str) -> str:
    slug = quote(template.slug, safe="")
    return (f'<div class="template" id="template-{escape(template.slug)}">'
            f'<video src="/templates/{slug}/preview.mp4" autoplay muted loop playsinline></video>'
            f"<div><b>{escape(template.title)}</b> ({escape(template.slug)}, {template.duration_seconds:.1f} s)</div>"
            f'<form class="inline" method="post" action="/templates/{slug}/remove">{token}'
            f'<button type="submit">Remove</button></form></div>')
