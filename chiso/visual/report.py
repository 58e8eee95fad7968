"""`chiso report`: the warehouse on one self-contained HTML page.

What a person checking a backfill needs, in the order they need it: every document with
its outcome, how much of it was understood and its flags; each error and warning with a
thumbnail of the place in the source (drawn by `show`), so most can be judged without
opening the file; every ingest run with each file's outcome and reason; the open review
queue. One file, inline CSS, pictures as `data:` URIs, no script: it can be mailed,
archived next to the warehouse, or opened offline. All text is escaped (`html.escape`).
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image
from sqlalchemy.engine import Engine

from chiso.visual import data
from chiso.visual.draw import png_bytes
from chiso.visual.locate import Needle
from chiso.visual.show import thumbnail
from chiso.visual.sources import AUTO, SourceBook, SourceError

SEVERITIES = ("error", "warning", "info")
MAX_THUMBNAILS = 300
CSS = """
body{font-family:system-ui,'DejaVu Sans',sans-serif;margin:1.5em auto;max-width:1180px;color:#1b1b1b;padding:0 1em}
h1{font-size:1.5em}h2{border-bottom:2px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;width:100%;font-size:.88em;margin:.5em 0}
th,td{border:1px solid #ccc;padding:.25em .45em;text-align:left;vertical-align:top}
th{background:#f0f0ea}td.n{text-align:right;font-variant-numeric:tabular-nums}
.meta{color:#555}.error{color:#a40000}.warning{color:#8a5a00}.info{color:#555}
.flag{border:1px solid #ddd;border-left:5px solid #ccc;margin:.6em 0;padding:.4em .6em;background:#fcfcfa}
.flag.sev-error{border-left-color:#c00}.flag.sev-warning{border-left-color:#e0a000}
.flag img{display:block;max-width:100%;margin-top:.4em;border:1px solid #bbb}
code{background:#f3f3f3;padding:0 .2em}.status-failed{color:#a40000;font-weight:bold}
.status-loaded{color:#1d6b1d}.status-skipped_unchanged{color:#666}details{margin:.3em 0}
nav a{margin-right:1em}.wide{overflow-x:auto}a.doc{overflow-wrap:anywhere}
"""


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value))


@dataclass
class ReportData:
    runs: list[dict]
    outcomes: dict[int, list[dict]]  # run id → file outcomes
    documents: list[dict]
    flags: dict[int, list[dict]]  # document id → flags
    review: list[dict]


def collect(engine: Engine) -> ReportData:
    outcomes: dict[int, list[dict]] = defaultdict(list)
    for o in data.rows(engine, "SELECT * FROM file_outcome ORDER BY run_id DESC, id"):
        outcomes[o["run_id"]].append(o)
    flags: dict[int, list[dict]] = defaultdict(list)
    for f in data.rows(engine, """
            SELECT f.*, o.uid, o.value, o.decimals, o.provenance, o.label, o.year, o.entity, o."index"
            FROM flag f LEFT JOIN observation o ON o.id = f.observation_id ORDER BY f.document_id, f.id"""):
        flags[f["document_id"]].append(f)
    documents = data.rows(engine, """
        SELECT d.*, (SELECT count(*) FROM observation o WHERE o.document_id = d.id) AS n_observations,
               (SELECT fo.run_id FROM file_outcome fo WHERE fo.sha256 = d.sha256
                AND fo.status = 'loaded' ORDER BY fo.id DESC LIMIT 1) AS loaded_run
        FROM document d ORDER BY d.status, d.source_file, d.id""")
    review = data.rows(engine, """
        SELECT r.*, d.source_file FROM review_item r LEFT JOIN document d ON d.id = r.document_id
        WHERE r.status = 'open' ORDER BY r.id""")
    return ReportData(data.rows(engine, "SELECT * FROM ingest_run ORDER BY id DESC"), outcomes, documents,
                      flags, review)


def understood(doc: dict) -> str:
    """The share of the document's printed numbers that chiso accounted for ('–' until counted)."""
    total, unexplained = doc.get("n_numbers"), doc.get("n_unexplained")
    if total is None or unexplained is None:
        return "–"
    if total == 0:
        return "no numbers"
    return f"{100 * (total - unexplained) / total:.0f}% ({unexplained} of {total} unexplained)"


def _outcome(doc: dict) -> str:
    when = esc(str(doc["loaded_at"] or "")[:16])
    if doc["loaded_run"]:
        return f"<a href='#run-{doc['loaded_run']}' title='{when}'>loaded in run {doc['loaded_run']}</a>"
    return f"<span title='{when}'>loaded</span>"


def _documents_table(rd: ReportData) -> str:
    head = (("file", ""), ("status", ""), ("province", ""), ("index, year", ""), ("document", ""),
            ("obs.", "observations loaded"), ("understood", "share of the printed numbers accounted for"),
            ("err.", "errors"), ("warn.", "warnings"), ("info", "info-level findings"))
    out = ["<div class='wide'><table class='docs'><thead><tr>",
           *(f"<th title='{t}'>{h}</th>" for h, t in head), "</tr></thead><tbody>"]
    for d in rd.documents:
        counts = Counter(f["severity"] for f in rd.flags.get(d["id"], []))
        ident = " ".join(str(x) for x in (d["doc_type"], d["number"], d["date"]) if x)
        cells = [f"<a class='doc' href='#doc-{d['id']}'>{esc(d['source_file'])}</a> <span class='meta'>"
                 f"{esc(d['format'])}</span>",
                 f"{esc(d['status'] + (' (draft)' if d['draft'] else ''))}<br>{_outcome(d)}",
                 esc(d["province"] or ""), f"{esc(d['indices'])} {esc(d['report_year'] or '')}", esc(ident)]
        numbers = [d["n_observations"], understood(d)]
        flags = [f"<td class='n {sev}'>{counts[sev] or ''}</td>" for sev in SEVERITIES]
        out.append("<tr><td>" + "</td><td>".join(cells) + "</td>"
                   + "".join(f"<td class='n'>{esc(n)}</td>" for n in numbers) + "".join(flags) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _flag_place(flag: dict) -> dict | None:
    try:
        place = json.loads(flag["context"]) if flag.get("context") else None
    except json.JSONDecodeError:
        place = None
    if isinstance(place, dict) and place.get("kind"):
        return place
    if flag.get("provenance"):
        places = data.places(flag)
        return places[0] if places else None
    return None


def _flag_needle(flag: dict) -> Needle:
    """What to mark: the observation's value, else the printed text the message quotes
    (`'0..75 điểm' in a sentence: …`)."""
    if flag.get("value") is not None:
        return Needle.number(flag["value"], int(flag.get("decimals") or 0))
    quoted = re.search(r"'([^']+)'", flag.get("message") or "")
    return Needle([quoted.group(1)] if quoted else [], phrase=True)


class Thumbnails:
    """Pictures of flagged places, as data: URIs, with a limit so a huge backfill stays readable."""

    def __init__(self, book: SourceBook, limit: int):
        self.book, self.limit, self.drawn = book, limit, 0

    def html(self, document: dict, flag: dict) -> str:
        place = _flag_place(flag)
        if place is None:
            return "<p class='meta'>(no place recorded for this flag)</p>"
        if self.drawn >= self.limit:
            return "<p class='meta'>(picture limit reached: use <code>chiso show</code>)</p>"
        try:
            image = thumbnail(self.book, document, place, _flag_needle(flag))
        except SourceError as e:
            return f"<p class='meta'>(no picture: {esc(e)})</p>"
        self.drawn += 1
        # 64 colours without dithering: a few kB a picture, and the mark stays pure red
        small = image.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        uri = "data:image/png;base64," + base64.b64encode(png_bytes(small)).decode("ascii")
        return f"<img alt='{esc(flag['code'])} in {esc(document['source_file'])}' src='{uri}'>"


def _flag_html(doc: dict, flag: dict, pictures: Thumbnails) -> str:
    where = f"page {flag['page']}" if flag.get("page") else ""
    place = _flag_place(flag)
    if place:
        where = ", ".join(x for x in (where, data.place_label(place)) if x)
    about = ""
    if flag.get("uid"):
        about = (f"<br>{esc(flag['index'])} {esc(flag['year'])} · {esc(flag['entity'])} · {esc(flag['label'])}"
                 f" = {esc(flag['value'])} — <code>chiso show {esc(flag['uid'])}</code>")
    return (f"<div class='flag sev-{esc(flag['severity'])}'><b class='{esc(flag['severity'])}'>{esc(flag['code'])}</b>"
            f" {esc(flag['message'])} <span class='meta'>{esc(where)}</span>{about}"
            f"{pictures.html(doc, flag)}</div>")


def _document_section(doc: dict, flags: list[dict], pictures: Thumbnails) -> str:
    by_severity: dict[str, list[dict]] = defaultdict(list)
    for f in flags:
        by_severity[f["severity"] if f["severity"] in SEVERITIES else "info"].append(f)
    out = [f"<article id='doc-{doc['id']}'><h3>{esc(doc['source_file'])}</h3>",
           f"<p class='meta'>{esc(doc['title'][:300])}<br>sha256 <code>{esc(doc['sha256'])}</code> · "
           f"{esc(doc['source_path'])} · {esc(doc['n_observations'])} observations · understood: "
           f"{esc(understood(doc))}</p>"]
    if not flags:
        out.append("<p>No flags.</p>")
    for severity in ("error", "warning"):
        items = by_severity.get(severity, [])
        if items:
            out.append(f"<h4 class='{severity}'>{severity.capitalize()}s ({len(items)})</h4>")
            out.extend(_flag_html(doc, f, pictures) for f in items)
    info = by_severity.get("info", [])
    if info:
        codes = ", ".join(f"{esc(c)} × {n}" for c, n in Counter(f["code"] for f in info).most_common())
        out.append(f"<details><summary class='info'>Info ({len(info)}): {codes}</summary><ul>")
        out.extend(f"<li><b>{esc(f['code'])}</b> {esc(f['message'])}</li>" for f in info[:500])
        out.append("</ul></details>")
    out.append("</article>")
    return "".join(out)


def _runs_section(rd: ReportData) -> str:
    if not rd.runs:
        return "<p>No ingest run recorded.</p>"
    out = []
    for run in rd.runs:
        out.append(f"<h3 id='run-{esc(run['id'])}'>Run {esc(run['id'])} · {esc(str(run['started_at'])[:19])}</h3><p class='meta'>"
                   f"<code>chiso ingest {esc(run['args'])}</code> · {esc(run['n_files'])} files: "
                   f"{esc(run['n_loaded'])} loaded, {esc(run['n_unchanged'])} unchanged, "
                   f"<span class='{'error' if run['n_failed'] else ''}'>{esc(run['n_failed'])} failed</span>"
                   f"{'' if run['finished_at'] else ' · did not finish (interrupted?)'}</p>")
        outcomes = sorted(rd.outcomes.get(run["id"], []), key=lambda o: (o["status"] != "failed", o["id"]))
        out.append(f"<details{' open' if run['n_failed'] else ''}><summary>{len(outcomes)} file outcomes"
                   "</summary><table><thead><tr><th>file</th><th>outcome</th><th>reason</th>"
                   "<th>observations</th><th>seconds</th></tr></thead><tbody>")
        for o in outcomes:
            out.append(f"<tr><td>{esc(o['path'])}</td><td class='status-{esc(o['status'])}'>{esc(o['status'])}</td>"
                       f"<td>{esc(o['reason'] or '')}{' (' + esc(o['reason_code']) + ')' if o['reason_code'] else ''}"
                       f"</td><td class='n'>{esc(o['observations'])}</td><td class='n'>{esc(o['seconds'])}</td></tr>")
        out.append("</tbody></table></details>")
    return "".join(out)


def _review_section(rd: ReportData) -> str:
    if not rd.review:
        return "<p>The review queue is empty.</p>"
    out = ["<p class='meta'>Decide with <code>chiso review --accept ID</code>, <code>--set ID=CODE</code> or "
           "<code>--reject ID</code>.</p><table><thead><tr><th>id</th><th>index</th><th>label as printed</th>"
           "<th>context</th><th>document</th><th>best candidates</th></tr></thead><tbody>"]
    for item in rd.review:
        try:
            candidates = json.loads(item["candidates"] or "[]")[:3]
        except json.JSONDecodeError:
            candidates = []
        cands = "<br>".join(f"<code>{esc(c[0])}</code> ({esc(c[2])}) {esc(c[1])}" for c in candidates
                            if isinstance(c, list) and len(c) >= 3)
        out.append(f"<tr><td class='n'>{esc(item['id'])}</td><td>{esc(item['index'])}</td><td>{esc(item['label'])}"
                   f"</td><td>{esc(item['context'])}</td><td>{esc(item['source_file'] or '')}</td><td>{cands}</td></tr>")
    out.append("</tbody></table>")
    return "".join(out)


def render_html(engine: Engine, url: str, converter: str | None = AUTO, max_pictures: int = MAX_THUMBNAILS) -> str:
    rd = collect(engine)
    book = SourceBook(converter)
    pictures = Thumbnails(book, max_pictures)
    try:
        sections = [_document_section(d, rd.flags.get(d["id"], []), pictures) for d in rd.documents]
    finally:
        book.close()
    totals = Counter(f["severity"] for fl in rd.flags.values() for f in fl)
    n_obs = sum(d["n_observations"] for d in rd.documents)
    return "".join([
        "<!doctype html><html lang='vi'><head><meta charset='utf-8'><link rel='icon' href='data:,'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>chiso warehouse report</title><style>{CSS}</style></head><body>",
        "<h1>chiso warehouse report</h1>",
        f"<p class='meta'>{esc(url)} · generated {esc(datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC'))} · "
        f"{len(rd.documents)} documents, {n_obs} observations · flags: {totals['error']} errors, "
        f"{totals['warning']} warnings, {totals['info']} info · {len(rd.review)} open review items</p>",
        "<nav><a href='#documents'>Documents</a><a href='#flags'>Flags</a><a href='#runs'>Ingest runs</a>"
        "<a href='#review'>Review queue</a></nav>",
        f"<section id='documents'><h2>Documents</h2>{_documents_table(rd)}</section>",
        f"<section id='flags'><h2>Flags by document</h2>{''.join(sections)}</section>",
        f"<section id='runs'><h2>Ingest runs</h2>{_runs_section(rd)}</section>",
        f"<section id='review'><h2>Review queue</h2>{_review_section(rd)}</section>",
        "</body></html>"])


def write_report(warehouse_url: str | None, out: Path, converter: str | None = AUTO,
                 max_pictures: int = MAX_THUMBNAILS) -> Path:
    wh = data.open_warehouse(warehouse_url)
    page = render_html(wh.engine, wh.engine.url.render_as_string(hide_password=True), converter, max_pictures)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out
