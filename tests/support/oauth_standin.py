#!/usr/bin/env python3
"""A small OAuth 2.0 authorization server for Handoff Desk's tests.

It plays Google's or Microsoft's sign-in for the app: an authorize endpoint
that approves (or refuses) a scripted user, a token endpoint, token
introspection for Dovecot's oauth2 passdb, and revocation. It checks what the
app sends against the specs and records every breach in `violations`; the
tests require that list to be empty.

Behaviour checked (and where it comes from):
- RFC 6749 §4.1.1: response_type=code, client_id, redirect_uri, state
  (the app must send one; §10.12 CSRF); §4.1.2: code and state back on the
  redirect; §4.1.2.1: an error (access_denied…) redirected with state, never a
  redirect to an unregistered redirect_uri; §4.1.3: the token request repeats
  the redirect_uri exactly, the code is single-use and short-lived, bound to
  its client; §5.1: Cache-Control: no-store, token_type Bearer, expires_in;
  §5.2: invalid_grant / invalid_request / invalid_client /
  unsupported_grant_type as JSON with HTTP 400 (401 for invalid_client);
  §6: refresh_token grant (refresh tokens rotate, as Microsoft's do).
- RFC 7636 §4.2-4.6: code_challenge_method S256 required, challenge 43
  base64url characters, verifier 43-128 unreserved characters,
  BASE64URL(SHA256(verifier)) == challenge.
- RFC 8252 §7.3: the redirect URI is http://127.0.0.1:<port>/… (loopback IP
  literal, any port).
- RFC 7662 §2: POST token=… answers {"active": …, "username", "scope", "exp",
  "client_id", "token_type"}; inactive tokens answer only {"active": false}.
- RFC 7009 §2: POST token=… revokes it (a refresh token with every access
  token issued from it); unknown tokens still answer 200.
Not checked: client authentication on introspection (Dovecot sends none here).

Test controls (not part of any spec): POST /admin/script {"user", "outcome":
approve|deny|admin_consent, "ttl"}; POST /admin/expire (every access token
stops working now); POST /admin/revoke {"user"}; GET /admin/state.
"""
import argparse
import base64
import hashlib
import json
import re
import secrets
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATE = {
    "script": {"user": "helpdesk@example.test", "outcome": "approve"},
    "ttl": 3600,
    "codes": {},       # code -> {client_id, redirect_uri, challenge, user, scope, at}
    "access": {},      # token -> {user, exp, scope, refresh, client_id}
    "refresh": {},     # token -> {user, scope, revoked, client_id}
    "violations": [],
    "counts": {"authorize": 0, "code": 0, "refresh": 0, "invalid_grant": 0, "introspect": 0, "revoke": 0},
}
CLIENTS = {}  # client_id -> secret or None
UNRESERVED = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")
B64URL43 = re.compile(r"^[A-Za-z0-9\-_]{43}$")


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def violation(what):
    STATE["violations"].append(what)


def id_token(user, client_id):
    header = b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    now = int(time.time())
    payload = b64url(json.dumps({
        "iss": "http://standin.test", "aud": client_id, "sub": hashlib.sha256(user.encode()).hexdigest()[:16],
        "email": user, "email_verified": True, "preferred_username": user, "iat": now, "exp": now + 3600,
    }).encode())
    return f"{header}.{payload}."


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def send(self, status, body, ctype="application/json", extra=None):
        data = body if isinstance(body, bytes) else (json.dumps(body) if ctype == "application/json" else body).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def form(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n).decode()
        ctype = self.headers.get("Content-Type", "")
        if ctype.startswith("application/json"):
            return json.loads(raw or "{}")
        if not ctype.startswith("application/x-www-form-urlencoded"):
            violation(f"{self.path}: body is {ctype!r}, not application/x-www-form-urlencoded")
        return {k: v[0] for k, v in urllib.parse.parse_qs(raw, keep_blank_values=True).items()}

    # ---- RFC 6749 §4.1.1 authorization endpoint
    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = {k: v[0] for k, v in urllib.parse.parse_qs(url.query, keep_blank_values=True).items()}
        if url.path == "/admin/state":
            with LOCK:
                return self.send(200, {"violations": STATE["violations"], "counts": STATE["counts"],
                                       "tokens": list(STATE["access"]) + list(STATE["refresh"]),
                                       "live_access": sum(1 for t in STATE["access"].values() if t["exp"] > time.time())})
        if url.path != "/authorize":
            return self.send(404, {"error": "not_found"})
        with LOCK:
            STATE["counts"]["authorize"] += 1
            redirect = q.get("redirect_uri", "")
            m = re.match(r"^http://127\.0\.0\.1:(\d+)(/[^?#]*)?$", redirect)
            if not m:
                violation(f"authorize: redirect_uri {redirect!r} is not a loopback IP literal (RFC 8252 §7.3)")
                return self.send(400, "invalid redirect_uri", "text/plain")
            if q.get("client_id") not in CLIENTS:
                violation(f"authorize: unknown client_id {q.get('client_id')!r}")
                return self.send(400, "unknown client", "text/plain")
            state = q.get("state")
            if not state:
                violation("authorize: no state (RFC 6749 §10.12)")
            if q.get("response_type") != "code":
                violation(f"authorize: response_type {q.get('response_type')!r}")
            if q.get("code_challenge_method") != "S256" or not B64URL43.match(q.get("code_challenge", "")):
                violation("authorize: PKCE S256 challenge missing or malformed (RFC 7636 §4.2-4.3)")
            if not q.get("scope"):
                violation("authorize: no scope")
            script = STATE["script"]
            sep = "&" if "?" in redirect else "?"
            if script["outcome"] == "deny":
                loc = redirect + sep + urllib.parse.urlencode({"error": "access_denied", "error_description": "The user denied the request.", "state": state or ""})
            elif script["outcome"] == "admin_consent":
                loc = redirect + sep + urllib.parse.urlencode({"error": "access_denied", "error_description": "AADSTS90094: The grant requires admin permission.", "state": state or ""})
            else:
                code = secrets.token_urlsafe(24)
                STATE["codes"][code] = {"client_id": q.get("client_id"), "redirect_uri": redirect,
                                        "challenge": q.get("code_challenge", ""), "user": script["user"],
                                        "scope": q.get("scope", ""), "at": time.time()}
                loc = redirect + sep + urllib.parse.urlencode({"code": code, "state": state or ""})
        self.send(302, b"", "text/plain", {"Location": loc})

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        f = self.form()
        with LOCK:
            if url.path == "/token":
                return self.token(f)
            if url.path == "/introspect":
                STATE["counts"]["introspect"] += 1
                t = STATE["access"].get(f.get("token", ""))
                if not t or t["exp"] <= time.time() or STATE["refresh"].get(t["refresh"], {}).get("revoked"):
                    return self.send(200, {"active": False})
                return self.send(200, {"active": True, "username": t["user"], "email": t["user"], "scope": t["scope"],
                                       "exp": int(t["exp"]), "client_id": t["client_id"], "token_type": "Bearer"})
            if url.path == "/revoke":
                STATE["counts"]["revoke"] += 1
                tok = f.get("token", "")
                if tok in STATE["refresh"]:
                    STATE["refresh"][tok]["revoked"] = True
                elif tok in STATE["access"]:
                    STATE["access"][tok]["exp"] = 0
                return self.send(200, {})
            if url.path == "/admin/script":
                STATE["script"] = {"user": f.get("user", STATE["script"]["user"]), "outcome": f.get("outcome", "approve")}
                if "ttl" in f:
                    STATE["ttl"] = int(f["ttl"])
                return self.send(200, STATE["script"])
            if url.path == "/admin/expire":
                for t in STATE["access"].values():
                    t["exp"] = 0
                return self.send(200, {})
            if url.path == "/admin/revoke":
                for r in STATE["refresh"].values():
                    if r["user"] == f.get("user"):
                        r["revoked"] = True
                return self.send(200, {})
        self.send(404, {"error": "not_found"})

    # ---- RFC 6749 §4.1.3 / §6 token endpoint (called with LOCK held)
    def token(self, f):
        cid = f.get("client_id")
        if cid not in CLIENTS:
            violation(f"token: unknown client_id {cid!r}")
            return self.send(401, {"error": "invalid_client"})
        if CLIENTS[cid] is not None and f.get("client_secret") != CLIENTS[cid]:
            return self.send(401, {"error": "invalid_client", "error_description": "client_secret does not match"})
        grant = f.get("grant_type")
        if grant == "authorization_code":
            code = STATE["codes"].pop(f.get("code", ""), None)
            if code is None or time.time() - code["at"] > 600 or code["client_id"] != cid:
                STATE["counts"]["invalid_grant"] += 1
                violation("token: an unknown, reused or expired code")
                return self.send(400, {"error": "invalid_grant"})
            if f.get("redirect_uri") != code["redirect_uri"]:
                violation("token: redirect_uri differs from the authorization request's (RFC 6749 §4.1.3)")
                return self.send(400, {"error": "invalid_grant"})
            verifier = f.get("code_verifier", "")
            if not UNRESERVED.match(verifier):
                violation("token: code_verifier malformed (RFC 7636 §4.1)")
                return self.send(400, {"error": "invalid_request"})
            if b64url(hashlib.sha256(verifier.encode()).digest()) != code["challenge"]:
                violation("token: code_verifier does not match the challenge (RFC 7636 §4.6)")
                return self.send(400, {"error": "invalid_grant"})
            STATE["counts"]["code"] += 1
            return self.issue(code["user"], code["scope"], cid, with_id=True)
        if grant == "refresh_token":
            r = STATE["refresh"].get(f.get("refresh_token", ""))
            if r is None or r["revoked"] or r["client_id"] != cid:
                STATE["counts"]["invalid_grant"] += 1
                return self.send(400, {"error": "invalid_grant", "error_description": "The refresh token is revoked or unknown."})
            STATE["counts"]["refresh"] += 1
            return self.issue(r["user"], r["scope"], cid, with_id=False)
        violation(f"token: grant_type {grant!r}")
        return self.send(400, {"error": "unsupported_grant_type"})

    def issue(self, user, scope, cid, with_id):
        access = "at-" + secrets.token_urlsafe(24)
        refresh = "rt-" + secrets.token_urlsafe(24)
        STATE["refresh"][refresh] = {"user": user, "scope": scope, "revoked": False, "client_id": cid}
        STATE["access"][access] = {"user": user, "exp": time.time() + STATE["ttl"], "scope": scope,
                                   "refresh": refresh, "client_id": cid}
        body = {"access_token": access, "token_type": "Bearer", "expires_in": STATE["ttl"],
                "refresh_token": refresh, "scope": scope}
        if with_id:
            body["id_token"] = id_token(user, cid)
        return self.send(200, body)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--client", action="append", default=[], help="client_id or client_id:secret")
    a = ap.parse_args()
    for c in a.client:
        cid, _, sec = c.partition(":")
        CLIENTS[cid] = sec or None
    server = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
