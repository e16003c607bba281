"""Slack and Microsoft Teams webhook stand-ins for tests, in one process.

Not a mock of our client: every request is checked against the services'
documented payload rules, and a request that breaks one is answered the way
the service answers it (Slack: 400 with a plain-text error code such as
`invalid_blocks`; Teams: 400) and recorded in `violations`, so tests fail on it.

Slack incoming webhook, POST /services/T…/B…/SECRET (docs: api.slack.com /
docs.slack.dev "Sending messages using incoming webhooks", "Block Kit blocks
reference", "Formatting text for app surfaces"):
- a JSON object with `text` and/or `blocks`; answered `200 ok`;
- at most 50 blocks; known block types only (section, header, context,
  divider); block_id at most 255 characters and unique;
- text objects are `plain_text` or `mrkdwn`; `emoji` only on plain_text,
  `verbatim` only on mrkdwn; a section's text at most 3,000 characters, at
  most 10 fields of at most 2,000, text or fields required; a header is
  plain_text of at most 150; a context has 1 to 10 elements;
- mrkdwn (and the top-level `text`) must not carry an unescaped `&` or any
  `<…>` construct: this client never means a link or a mention, so an
  `<!channel>`, `<!here>`, `<@U…>` or `<url|…>` reaching here is a visitor's
  text that was not escaped;
- unknown webhook path: 404 `no_service`.

Teams Workflows webhook, POST /workflows/ID (docs: learn.microsoft.com
"Create incoming webhooks with Workflows for Microsoft Teams", adaptivecards.io
schema explorer, "Text features"):
- `{"type":"message","attachments":[…]}` with at least one attachment of
  contentType `application/vnd.microsoft.card.adaptive` whose `content` is
  `{"type":"AdaptiveCard","version":"1.0"…"1.5","body":[…]}`;
- known element types only, each no newer than the card's version
  (TextBlock, FactSet, Image, Container, ColumnSet 1.0; RichTextBlock 1.2 with
  TextRun inlines); TextBlock needs `text`; FactSet facts need string title
  and value; the whole request at most 28 KB;
- answered 202 Accepted (the Workflows trigger's answer).

Both: faults queued through POST /__admin/faults
[{"service": "slack"|"teams"|"any", "status": 429|500|…, "retry_after": s,
"times": n, "hang": s}]; a 429 with Retry-After opens a pause per service and
every request arriving before it ends is recorded in `pause_breaches`.
`hang` holds the answer (the request is already recorded as arrived: a client
killed meanwhile has delivered it). GET /__admin/state returns `slack` and
`teams` (every accepted message with its arrival time), `requests` (every
request, accepted or not), `violations`, `pause_breaches`.

Usage: python3 alerts_standin.py --port N. Prints "ready PORT". Standard library only.
"""

import argparse
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATE = {"slack": [], "teams": [], "requests": [], "violations": [], "pause_breaches": []}
FAULTS = []
PAUSE_UNTIL = {"slack": 0.0, "teams": 0.0}

SLACK_PATH = re.compile(r"^/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]+$")
TEAMS_PATH = re.compile(r"^/workflows/[A-Za-z0-9-]+$")
ENTITY = re.compile(r"&(amp|lt|gt);")
ELEMENT_VERSION = {"TextBlock": 1.0, "FactSet": 1.0, "Image": 1.0, "Container": 1.0,
                   "ColumnSet": 1.0, "RichTextBlock": 1.2}
CARD_VERSIONS = {"1.0", "1.1", "1.2", "1.3", "1.4", "1.5"}
MAX_TEAMS_BYTES = 28 * 1024


def check_mrkdwn(text, where, problems):
    if "<" in text or ">" in text:
        problems.append(f"{where}: raw < or > (an unescaped link or mention): {text[:80]!r}")
    if "&" in ENTITY.sub("", text):
        problems.append(f"{where}: unescaped &: {text[:80]!r}")


def check_text_object(t, where, limit, problems, plain_only=False):
    if not isinstance(t, dict) or t.get("type") not in ("plain_text", "mrkdwn"):
        problems.append(f"{where}: not a text object")
        return
    if plain_only and t["type"] != "plain_text":
        problems.append(f"{where}: must be plain_text")
    text = t.get("text")
    if not isinstance(text, str) or not text:
        problems.append(f"{where}: text missing or empty")
        return
    if len(text) > limit:
        problems.append(f"{where}: {len(text)} characters, more than {limit}")
    if "emoji" in t and t["type"] != "plain_text":
        problems.append(f"{where}: emoji is only for plain_text")
    if "verbatim" in t and t["type"] != "mrkdwn":
        problems.append(f"{where}: verbatim is only for mrkdwn")
    if t["type"] == "mrkdwn":
        check_mrkdwn(text, where, problems)


def check_slack(body):
    problems = []
    if not isinstance(body, dict):
        return ["payload is not a JSON object"], "invalid_payload"
    if "text" not in body and "blocks" not in body:
        problems.append("neither text nor blocks")
    if "text" in body:
        if not isinstance(body["text"], str):
            problems.append("text is not a string")
        else:
            check_mrkdwn(body["text"], "text", problems)
    blocks = body.get("blocks", [])
    if not isinstance(blocks, list) or len(blocks) > 50:
        problems.append("blocks: not a list of at most 50")
        blocks = []
    ids = set()
    for i, b in enumerate(blocks):
        where = f"blocks[{i}]"
        kind = b.get("type") if isinstance(b, dict) else None
        bid = b.get("block_id") if isinstance(b, dict) else None
        if bid is not None:
            if len(bid) > 255 or bid in ids:
                problems.append(f"{where}: block_id too long or repeated")
            ids.add(bid)
        if kind == "section":
            if "text" not in b and "fields" not in b:
                problems.append(f"{where}: a section needs text or fields")
            if "text" in b:
                check_text_object(b["text"], f"{where}.text", 3000, problems)
            fields = b.get("fields", [])
            if not isinstance(fields, list) or len(fields) > 10:
                problems.append(f"{where}.fields: more than 10")
                fields = []
            for j, f in enumerate(fields):
                check_text_object(f, f"{where}.fields[{j}]", 2000, problems)
        elif kind == "header":
            check_text_object(b.get("text"), f"{where}.text", 150, problems, plain_only=True)
        elif kind == "context":
            els = b.get("elements", [])
            if not isinstance(els, list) or not 1 <= len(els) <= 10:
                problems.append(f"{where}.elements: 1 to 10 required")
                els = []
            for j, e in enumerate(els):
                check_text_object(e, f"{where}.elements[{j}]", 3000, problems)
        elif kind == "divider":
            pass
        else:
            problems.append(f"{where}: unknown or unsupported block type {kind!r}")
    return problems, ("invalid_blocks" if problems else None)


def check_element(e, version, where, problems):
    kind = e.get("type") if isinstance(e, dict) else None
    since = ELEMENT_VERSION.get(kind)
    if since is None:
        problems.append(f"{where}: unknown element type {kind!r}")
        return
    if since > version:
        problems.append(f"{where}: {kind} needs version {since}, the card says {version}")
    if kind == "TextBlock" and not isinstance(e.get("text"), str):
        problems.append(f"{where}: TextBlock without text")
    if kind == "FactSet":
        for j, f in enumerate(e.get("facts", [])):
            if not (isinstance(f, dict) and isinstance(f.get("title"), str) and isinstance(f.get("value"), str)):
                problems.append(f"{where}.facts[{j}]: title and value must be strings")
    if kind == "RichTextBlock":
        inl = e.get("inlines")
        if not isinstance(inl, list) or not inl:
            problems.append(f"{where}: RichTextBlock without inlines")
            inl = []
        for j, r in enumerate(inl):
            if isinstance(r, str):
                continue
            if not (isinstance(r, dict) and r.get("type") == "TextRun" and isinstance(r.get("text"), str)):
                problems.append(f"{where}.inlines[{j}]: only TextRuns with text")
    if kind == "Container":
        for j, c in enumerate(e.get("items", [])):
            check_element(c, version, f"{where}.items[{j}]", problems)


def check_teams(body, size):
    problems = []
    if size > MAX_TEAMS_BYTES:
        problems.append(f"request is {size} bytes, more than 28 KB")
    if not isinstance(body, dict) or body.get("type") != "message":
        return problems + ["not a message (type must be \"message\")"]
    atts = body.get("attachments")
    if not isinstance(atts, list) or not atts:
        return problems + ["no attachments"]
    for i, a in enumerate(atts):
        where = f"attachments[{i}]"
        if a.get("contentType") != "application/vnd.microsoft.card.adaptive":
            problems.append(f"{where}: contentType must be application/vnd.microsoft.card.adaptive")
            continue
        card = a.get("content")
        if not isinstance(card, dict) or card.get("type") != "AdaptiveCard":
            problems.append(f"{where}.content: not an AdaptiveCard")
            continue
        v = card.get("version")
        if v not in CARD_VERSIONS:
            problems.append(f"{where}.content.version {v!r} is not one Teams renders (1.0 to 1.5)")
            continue
        body_ = card.get("body", [])
        if not isinstance(body_, list) or not body_:
            problems.append(f"{where}.content.body: empty")
        for j, e in enumerate(body_ or []):
            check_element(e, float(v), f"{where}.content.body[{j}]", problems)
    return problems


def take_fault(service):
    with LOCK:
        for f in FAULTS:
            if f.get("service", "any") in ("any", service) and f.get("times", 1) > 0:
                f["times"] = f.get("times", 1) - 1
                return dict(f)
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def answer(self, status, text, headers=None):
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/__admin/state":
            with LOCK:
                data = json.dumps(STATE)
            self.answer(200, data, {"Content-Type": "application/json"})
        else:
            self.answer(404, "not found")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if self.path == "/__admin/faults":
            with LOCK:
                FAULTS.extend(json.loads(raw or b"[]"))
            return self.answer(200, "{}")
        if self.path == "/__admin/reset":
            with LOCK:
                FAULTS.clear()
                for k in STATE:
                    STATE[k] = []
            return self.answer(200, "{}")
        service = "slack" if SLACK_PATH.match(self.path) else "teams" if TEAMS_PATH.match(self.path) else None
        now = time.time()
        if service is None:
            return self.answer(404, "no_service")
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        with LOCK:
            STATE["requests"].append({"service": service, "path": self.path, "at": now, "body": body})
            if now < PAUSE_UNTIL[service]:
                STATE["pause_breaches"].append({"service": service, "at": now, "until": PAUSE_UNTIL[service]})
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        if ctype != "application/json":
            with LOCK:
                STATE["violations"].append({"service": service, "problems": [f"Content-Type {ctype!r}"]})
            return self.answer(400, "invalid_payload")
        fault = take_fault(service)
        if fault and fault.get("status"):
            headers = {}
            if fault["status"] == 429:
                wait = fault.get("retry_after", 1)
                headers["Retry-After"] = str(wait)
                with LOCK:
                    PAUSE_UNTIL[service] = max(PAUSE_UNTIL[service], time.time() + wait)
            return self.answer(fault["status"], "rate_limited" if fault["status"] == 429 else "internal_error", headers)
        if service == "slack":
            problems, code = check_slack(body)
        else:
            problems, code = check_teams(body, len(raw)), "bad request"
        if problems:
            with LOCK:
                STATE["violations"].append({"service": service, "problems": problems})
            return self.answer(400, code or "invalid_payload")
        with LOCK:
            STATE[service].append({"path": self.path, "at": now, "body": body})
        if fault and fault.get("hang"):
            time.sleep(fault["hang"])
        if service == "slack":
            self.answer(200, "ok")
        else:
            self.answer(202, "")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    args = p.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"ready {args.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
