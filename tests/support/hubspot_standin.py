"""A HubSpot stand-in for tests: the CRM calls Handoff Desk makes, checked
against HubSpot's own OpenAPI specs.

Not a mock of our client: it loads the published specs (read in place from
../shared/reference/hubspot/specs, never copied: HubSpot does not license
them for redistribution), finds the operation for every request, and
validates the path, the query, the bearer token, the token's scopes and the
JSON body against the spec's schemas. A request that breaks the spec is
answered 400 in HubSpot's error shape and recorded in `violations`, so tests
fail on it. It also behaves like the portal: contacts unique by email,
enumeration values checked against the property's options, unknown
properties refused, notes associated with contacts, the ten-second rolling
rate window enforced (429 TEN_SECONDLY_ROLLING) and every breach recorded.

Batch calls are held to HubSpot's documented limit of 100 inputs (more is
answered 400 and recorded as a violation); a batch call with no inputs is
recorded as a violation too (it can only be a client's mistake). A 429 sent
with Retry-After opens a pause: every request that arrives before it ends is
counted in `pause_breaches`.

The batch upsert answers as HubSpot documents it (docs: api-reference
crm/objects/contacts/batch/upsert; schema BatchResponseSimplePublicUpsertObject):
results in no promised order, each with `id`, `new`, `properties` and the
input's `objectWriteTraceId`. Which properties come back is not promised, so
`answers` can make it leave out `email` ("no_email") or both `email` and the
trace id ("bare"); a client must still match every result.

Admin endpoints (for tests, under /__admin/): GET state, POST reset,
POST tokens {token: [scopes]}, POST faults [{"status": 429|500|401|403|400,
"retry_after": s, "hang": s, "times": n, "path": "substring"}],
POST window {"max": n, "ms": ms}, POST answers {"upsert": "documented" |
"no_email" | "bare", "page": n (associations per page)},
POST seed {"contacts": [{"email": e, "notes": n}]} (contacts that already
carry n older notes each).

Usage: python3 hubspot_standin.py --port N --specs DIR
Prints "ready PORT" once it listens. Standard library + python3-jsonschema.
"""

import argparse
import json
import re
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jsonschema

SPEC_FILES = [
    "crm-contacts-v3.json",
    "crm-notes-v3.json",
    "crm-properties-v3.json",
    "crm-associations-v4.json",
]

ALL_SCOPES = [
    "crm.objects.contacts.read",
    "crm.objects.contacts.write",
    "crm.schemas.contacts.read",
    "crm.schemas.contacts.write",
]

# Default contact properties of a portal (the ones a client may write).
DEFAULT_CONTACT_PROPERTIES = {
    "email": "string", "firstname": "string", "lastname": "string",
    "phone": "string", "website": "string", "company": "string",
    "hs_lead_status": "enumeration", "lifecyclestage": "enumeration",
    "message": "string",
}
LEAD_STATUS = ["NEW", "OPEN", "IN_PROGRESS", "OPEN_DEAL", "UNQUALIFIED",
               "ATTEMPTED_TO_CONTACT", "CONNECTED", "BAD_TIMING"]
NOTE_PROPERTIES = {"hs_timestamp", "hs_note_body", "hubspot_owner_id",
                   "hs_attachment_ids"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def now_iso():
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


class Operation:
    def __init__(self, spec, path, method, op):
        self.spec = spec
        self.path = path
        self.method = method
        self.op = op
        names = re.findall(r"\{(\w+)\}", path)
        pattern = re.escape(path)
        for n in names:
            pattern = pattern.replace(re.escape("{%s}" % n), "(?P<%s>[^/]+)" % n)
        self.regex = re.compile("^" + pattern + "$")
        self.literal = len(path) - sum(len(n) + 2 for n in names)
        alternatives = op.get("security", spec.get("security", []))
        self.scopes = [set(a.get("oauth2", [])) for a in alternatives if "oauth2" in a]
        self.validator = None

    def body_schema(self):
        rb = self.op.get("requestBody")
        if not rb:
            return None
        content = rb.get("content", {})
        media = content.get("application/json") or next(iter(content.values()), None)
        return media.get("schema") if media else None


class State:
    def __init__(self, specs_dir):
        self.lock = threading.Lock()
        self.ops = []
        for f in SPEC_FILES:
            with open(f"{specs_dir}/{f}") as fh:
                spec = json.load(fh)
            for path, item in spec["paths"].items():
                for method, op in item.items():
                    if method in ("get", "post", "put", "patch", "delete"):
                        self.ops.append(Operation(spec, path, method.upper(), op))
        # Most literal path first: /contacts/batch/upsert before /contacts/{id}.
        self.ops.sort(key=lambda o: -o.literal)
        self.window_max = 100
        self.window_ms = 10000
        self.reset()

    def reset(self):
        self.tokens = {"test-token": set(ALL_SCOPES)}
        self.contacts = {}  # id -> {"properties": {...}, "createdAt": ...}
        self.by_email = {}
        self.notes = {}  # id -> {"properties": {...}, "contact_ids": [...]}
        self.properties = {}  # name -> property definition
        self.next_id = 1001
        self.requests = []  # {"method", "path", "t", "status", "body"}
        self.violations = []
        self.window_breaches = 0
        self.faults = []
        self.recent = []  # monotonic times of counted requests
        self.pauses = []  # [start, end] wall times opened by 429 + Retry-After
        self.pause_breaches = []  # requests that arrived inside a pause
        self.upsert_answer = "documented"
        self.assoc_page = 500

    def new_id(self):
        self.next_id += 1
        return str(self.next_id)


def error_body(status, category, message, **extra):
    body = {"status": "error", "message": message,
            "correlationId": str(uuid.uuid4()), "category": category}
    body.update(extra)
    return status, body


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: without this, Nagle's
    # algorithm and the client's delayed ACK add ~40 ms to every answer.
    disable_nagle_algorithm = True
    state = None

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PATCH(self):
        self.handle_any("PATCH")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def send(self, status, body, headers=None):
        raw = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(raw)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(raw)

    def handle_any(self, method):
        st = self.state
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if url.path.startswith("/__admin/"):
            return self.admin(method, url.path[len("/__admin/"):], raw)
        with st.lock:
            t = time.time()
            entry = {"method": method, "path": url.path, "t": t, "status": None}
            try:
                inputs = json.loads(raw).get("inputs") if raw else None
            except (ValueError, AttributeError):
                inputs = None
            if isinstance(inputs, list):
                entry["inputs"] = len(inputs)
            for start, end in st.pauses:
                if start < t < end:
                    st.pause_breaches.append({"method": method, "path": url.path,
                                              "into_pause_s": round(t - start, 3)})
                    break
            st.requests.append(entry)
            fault = self.take_fault(url.path)
        if fault and fault.get("hang"):
            time.sleep(fault["hang"])
        with st.lock:
            status, body, headers = self.answer(method, url, raw, fault)
            entry["status"] = status
        self.send(status, body, headers)

    def take_fault(self, path):
        for f in self.state.faults:
            if f.get("times", 1) > 0 and f.get("path", "") in path:
                f["times"] = f.get("times", 1) - 1
                return dict(f)
        return None

    def answer(self, method, url, raw, fault):
        st = self.state
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or len(auth) <= 7:
            return (*error_body(401, "INVALID_AUTHENTICATION",
                                "Authentication credentials not found."), {})
        token = auth[7:]
        # The rolling window counts every authenticated call, faults included.
        t = time.monotonic()
        st.recent = [x for x in st.recent if t - x < st.window_ms / 1000]
        st.recent.append(t)
        if len(st.recent) > st.window_max:
            st.window_breaches += 1
            return (*error_body(429, "RATE_LIMITS",
                                "You have reached your ten_secondly_rolling limit.",
                                errorType="RATE_LIMIT", policyName="TEN_SECONDLY_ROLLING"), {})
        if fault:
            s = fault.get("status")
            if s == 429:
                h = {}
                if "retry_after" in fault:
                    h = {"Retry-After": str(fault["retry_after"])}
                    now = time.time()
                    st.pauses.append([now, now + float(fault["retry_after"])])
                return (*error_body(429, "RATE_LIMITS", "You have reached your secondly limit."), h)
            if s and s >= 500:
                return (*error_body(s, "INTERNAL_ERROR", "internal error (injected)"), {})
            if s == 401:
                return (*error_body(401, "INVALID_AUTHENTICATION",
                                    "The OAuth token used to make this call expired."), {})
            if s == 400:
                return (*error_body(400, "VALIDATION_ERROR", "Invalid input (injected)"), {})
        if token not in st.tokens:
            return (*error_body(401, "INVALID_AUTHENTICATION",
                                "Authentication credentials not found. This API supports OAuth 2.0 authentication."), {})
        op, params = self.find(method, url.path)
        if op is None:
            return self.violation(f"{method} {url.path} is not an operation in the specs", 404)
        problem = self.validate(op, params, url, raw)
        if problem:
            return self.violation(f"{method} {op.path}: {problem}", 400)
        if "/batch/" in op.path:
            n = len((json.loads(raw) or {}).get("inputs") or [])
            if n > 100:
                return self.violation(f"{method} {url.path}: {n} inputs; HubSpot takes at most 100 per batch", 400)
            if n == 0:
                self.state.violations.append(f"{method} {url.path}: a batch call with no inputs")
        granted = st.tokens[token]
        needed = op.scopes
        if op.path.startswith("/crm/v3/properties/") and params.get("objectType"):
            kind = params["objectType"]
            narrowed = [a for a in needed if any(kind in s for s in a)]
            needed = narrowed or needed
        if needed and not any(a <= granted for a in needed):
            want = sorted({s for a in needed for s in a})[:3]
            return (*error_body(403, "MISSING_SCOPES",
                                "This app hasn't been granted all required scopes to make this call.",
                                errors=[{"message": "One or more of the following scopes are required.",
                                         "context": {"requiredGranularScopes": want}}]), {})
        body = json.loads(raw) if raw else None
        return (*self.serve(op, params, url, body), {})

    def violation(self, what, status):
        self.state.violations.append(what)
        return (*error_body(status, "VALIDATION_ERROR", f"stand-in: request violates HubSpot's spec: {what}"), {})

    def find(self, method, path):
        for op in self.state.ops:
            if op.method != method:
                continue
            m = op.regex.match(path)
            if m:
                return op, m.groupdict()
        return None, {}

    def validate(self, op, params, url, raw):
        query = parse_qs(url.query)
        declared = {p["name"]: p for p in op.op.get("parameters", [])}
        for name, p in declared.items():
            if p.get("in") == "query" and p.get("required") and name not in query:
                return f"query parameter {name!r} is required"
        for name in query:
            if name not in declared:
                return f"query parameter {name!r} is not in the spec"
        schema = op.body_schema()
        if schema is None:
            if raw:
                return "this operation takes no body"
            return None
        ctype = self.headers.get("Content-Type", "")
        if not ctype.startswith("application/json"):
            return f"Content-Type must be application/json, not {ctype!r}"
        try:
            body = json.loads(raw)
        except ValueError as e:
            return f"body is not JSON: {e}"
        if op.validator is None:
            resolver = jsonschema.RefResolver.from_schema(op.spec)
            op.validator = jsonschema.Draft4Validator(schema, resolver=resolver)
        validator = op.validator
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
        if errors:
            e = errors[0]
            where = "/".join(str(x) for x in e.path) or "(body)"
            return f"{where}: {e.message}"
        return None

    # --- behaviour ---------------------------------------------------------

    def serve(self, op, params, url, body):
        st = self.state
        key = (op.method, op.path)
        if key == ("GET", "/crm/v3/objects/contacts"):
            return 200, {"results": [self.contact_view(i) for i in list(st.contacts)[:1]]}
        if key == ("GET", "/crm/v3/properties/{objectType}/{propertyName}"):
            p = st.properties.get((params["objectType"], params["propertyName"]))
            if not p:
                return error_body(404, "OBJECT_NOT_FOUND",
                                  f"Unable to find property {params['propertyName']}")
            return 200, p
        if key == ("POST", "/crm/v3/properties/{objectType}"):
            k = (params["objectType"], body["name"])
            if k in st.properties or (k[0] == "contacts" and k[1] in DEFAULT_CONTACT_PROPERTIES):
                return error_body(409, "OBJECT_ALREADY_EXISTS",
                                  f"A property named '{body['name']}' already exists.")
            if body["type"] == "enumeration" and not body.get("options"):
                return error_body(400, "VALIDATION_ERROR", "Enumeration properties need options.")
            prop = dict(body, createdAt=now_iso(), updatedAt=now_iso(), hidden=False,
                        modificationMetadata={"archivable": True, "readOnlyDefinition": False,
                                              "readOnlyValue": False})
            prop.setdefault("options", [])
            st.properties[k] = prop
            return 201, prop
        if key == ("PATCH", "/crm/v3/properties/{objectType}/{propertyName}"):
            p = st.properties.get((params["objectType"], params["propertyName"]))
            if not p:
                return error_body(404, "OBJECT_NOT_FOUND", "Unable to find property")
            p.update(body)
            return 200, p
        if key == ("POST", "/crm/v3/objects/contacts/batch/upsert"):
            return self.upsert(body)
        if key == ("POST", "/crm/v3/objects/contacts/batch/read"):
            results = []
            for i in body["inputs"]:
                if body.get("idProperty") == "email":
                    cid = st.by_email.get(i["id"].lower())
                elif body.get("idProperty") in (None, "hs_object_id"):
                    cid = i["id"] if i["id"] in st.contacts else None
                else:
                    return error_body(400, "VALIDATION_ERROR", "stand-in: read by email or id only")
                if cid:
                    v = self.contact_view(cid)
                    v["properties"] = {p: v["properties"].get(p) for p in body["properties"]}
                    v["properties"]["hs_object_id"] = cid
                    results.append(v)
            return 200, {"status": "COMPLETE", "results": results,
                         "startedAt": now_iso(), "completedAt": now_iso()}
        if key == ("POST", "/crm/v3/objects/notes/batch/create"):
            return self.create_notes(body)
        if key == ("POST", "/crm/v3/objects/notes/batch/read"):
            results = []
            for i in body["inputs"]:
                n = st.notes.get(i["id"])
                if n:
                    props = {p: n["properties"].get(p) for p in body["properties"]}
                    props["hs_object_id"] = i["id"]
                    results.append({"id": i["id"], "properties": props, "createdAt": n["createdAt"],
                                    "updatedAt": n["createdAt"], "archived": False})
            return 200, {"status": "COMPLETE", "results": results,
                         "startedAt": now_iso(), "completedAt": now_iso()}
        if key == ("POST", "/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/read"):
            if (params["fromObjectType"], params["toObjectType"]) not in (("contact", "note"), ("contacts", "notes")):
                return error_body(400, "VALIDATION_ERROR", "stand-in knows only contact→note")
            results = []
            for i in body["inputs"]:
                to = [{"toObjectId": int(nid), "associationTypes": [
                    {"category": "HUBSPOT_DEFINED", "typeId": 201, "label": None}]}
                    for nid, n in st.notes.items() if i["id"] in n["contact_ids"]]
                start = int(i.get("after") or 0)
                page = to[start:start + st.assoc_page]
                if page:
                    r = {"from": {"id": i["id"]}, "to": page}
                    if start + st.assoc_page < len(to):
                        r["paging"] = {"next": {"after": str(start + st.assoc_page)}}
                    results.append(r)
            return 200, {"status": "COMPLETE", "results": results,
                         "startedAt": now_iso(), "completedAt": now_iso()}
        return error_body(501, "NOT_IMPLEMENTED", f"stand-in does not implement {op.method} {op.path}")

    def check_properties(self, props):
        for name, value in props.items():
            if value is not None and not isinstance(value, str):
                return f"property {name}: values are strings"
            custom = self.state.properties.get(("contacts", name))
            if name in DEFAULT_CONTACT_PROPERTIES:
                if name == "hs_lead_status" and value not in LEAD_STATUS:
                    return f"{value!r} was not one of the allowed options for hs_lead_status"
                if name == "email" and not EMAIL.match(value or ""):
                    return f"Property values were not valid: INVALID_EMAIL {value!r}"
                continue
            if not custom:
                return f"Property \"{name}\" does not exist"
            if custom["type"] == "enumeration":
                allowed = {o["value"] for o in custom.get("options", [])}
                if value not in allowed:
                    return f"{value!r} was not one of the allowed options: {sorted(allowed)}"
        return None

    def upsert(self, body):
        st = self.state
        ids = [i["id"].lower() for i in body["inputs"]]
        if len(ids) > 100:
            return error_body(400, "VALIDATION_ERROR", "Batch inputs are limited to 100")
        if len(set(ids)) != len(ids):
            return error_body(400, "VALIDATION_ERROR", "Duplicate IDs found in batch input")
        for i in body["inputs"]:
            if i.get("idProperty") != "email":
                return error_body(400, "VALIDATION_ERROR", "stand-in: upsert by email only")
            problem = self.check_properties(dict(i["properties"], email=i["id"]))
            if problem:
                return error_body(400, "VALIDATION_ERROR", problem)
        results = []
        for i in body["inputs"]:
            email = i["id"].lower()
            cid = st.by_email.get(email)
            new = cid is None
            if new:
                cid = st.new_id()
                st.by_email[email] = cid
                st.contacts[cid] = {"properties": {"email": email}, "createdAt": now_iso()}
            st.contacts[cid]["properties"].update(i["properties"])
            st.contacts[cid]["updatedAt"] = now_iso()
            view = self.contact_view(cid)
            # What was written, plus what HubSpot stamps on every write.
            props = dict(i["properties"], hs_object_id=cid, lastmodifieddate=view["updatedAt"])
            if new:
                props["createdate"] = view["createdAt"]
            result = dict(view, new=new, properties=props)
            if "objectWriteTraceId" in i:
                result["objectWriteTraceId"] = i["objectWriteTraceId"]
            if st.upsert_answer in ("no_email", "bare"):
                props.pop("email", None)
            if st.upsert_answer == "bare":
                result.pop("objectWriteTraceId", None)
            results.append(result)
        # HubSpot does not promise the inputs' order.
        results.reverse()
        return 200, {"status": "COMPLETE", "results": results,
                     "startedAt": now_iso(), "completedAt": now_iso()}

    def contact_view(self, cid):
        c = self.state.contacts[cid]
        props = dict(c["properties"], hs_object_id=cid)
        return {"id": cid, "properties": props, "createdAt": c["createdAt"],
                "updatedAt": c.get("updatedAt", c["createdAt"]), "archived": False}

    def create_notes(self, body):
        st = self.state
        if len(body["inputs"]) > 100:
            return error_body(400, "VALIDATION_ERROR", "Batch inputs are limited to 100")
        for i in body["inputs"]:
            props = i["properties"]
            unknown = set(props) - NOTE_PROPERTIES
            if unknown:
                return error_body(400, "VALIDATION_ERROR", f"Property \"{sorted(unknown)[0]}\" does not exist")
            if "hs_timestamp" not in props:
                return error_body(400, "VALIDATION_ERROR", "hs_timestamp is required")
            if len(props.get("hs_note_body", "")) > 65536:
                return error_body(400, "VALIDATION_ERROR", "hs_note_body is limited to 65536 characters")
            for a in i.get("associations", []):
                if a["to"]["id"] not in st.contacts:
                    return error_body(400, "VALIDATION_ERROR", f"contact {a['to']['id']} does not exist")
                if [t["associationTypeId"] for t in a["types"]] != [202]:
                    return error_body(400, "VALIDATION_ERROR", "note→contact is association type 202")
        results = []
        for i in body["inputs"]:
            nid = st.new_id()
            st.notes[nid] = {"properties": dict(i["properties"]), "createdAt": now_iso(),
                             "contact_ids": [a["to"]["id"] for a in i.get("associations", [])]}
            results.append({"id": nid, "properties": dict(i["properties"], hs_object_id=nid),
                            "createdAt": now_iso(), "updatedAt": now_iso(), "archived": False})
        return 201, {"status": "COMPLETE", "results": results,
                     "startedAt": now_iso(), "completedAt": now_iso()}

    # --- admin -------------------------------------------------------------

    def admin(self, method, what, raw):
        st = self.state
        body = json.loads(raw) if raw else None
        with st.lock:
            if what == "state":
                out = {
                    "contacts": {cid: c["properties"] for cid, c in st.contacts.items()},
                    "notes": {nid: {"properties": n["properties"], "contact_ids": n["contact_ids"],
                                    "seeded": n.get("seeded", False)}
                              for nid, n in st.notes.items()},
                    "properties": [p for (o, _), p in st.properties.items() if o == "contacts"],
                    "requests": st.requests,
                    "violations": st.violations,
                    "window_breaches": st.window_breaches,
                    "pause_breaches": st.pause_breaches,
                    "window": {"max": st.window_max, "ms": st.window_ms},
                }
                return self.send(200, out)
            if what == "reset":
                st.reset()
            elif what == "tokens":
                st.tokens = {t: set(s) for t, s in body.items()}
            elif what == "faults":
                st.faults = body
            elif what == "window":
                st.window_max, st.window_ms = body["max"], body["ms"]
            elif what == "answers":
                st.upsert_answer = body.get("upsert", st.upsert_answer)
                st.assoc_page = body.get("page", st.assoc_page)
            elif what == "seed":
                for c in body["contacts"]:
                    email = c["email"].lower()
                    cid = st.by_email.get(email)
                    if cid is None:
                        cid = st.new_id()
                        st.by_email[email] = cid
                        st.contacts[cid] = {"properties": {"email": email}, "createdAt": now_iso()}
                    for k in range(c.get("notes", 0)):
                        nid = st.new_id()
                        st.notes[nid] = {"properties": {"hs_timestamp": now_iso(),
                                                        "hs_note_body": f"<p>Older note {k} for {email}</p>"},
                                         "createdAt": now_iso(), "contact_ids": [cid], "seeded": True}
            else:
                return self.send(404, {"message": f"no admin endpoint {what}"})
        self.send(200, {"ok": True})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--specs", required=True)
    args = ap.parse_args()
    Handler.state = State(args.specs)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"ready {args.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
