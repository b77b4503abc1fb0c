#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The bench's IdM services of our own, where no real one exists (issue 14).

glewlwyd (Debian) is the primary IdM server: sign-in, the code grant with
PKCE, refresh, its JWKS. It has no RFC 8693 token exchange, and there is no
partner IdM server in Debian that takes another domain's token, so:

  idms.py exchange ...   the primary's token exchange (TS 33.180 B.7, RFC 8693):
                         validates glewlwyd's access token (RS256, its JWKS,
                         iss, exp), checks the user may migrate to the
                         requested partner (resource), and issues a security
                         token for that partner IdMS (a JWT, RS256, aud =
                         resource, 120 s).
  idms.py partner ...    the partner IdM server's token endpoint (TS 33.180
                         B.8, RFC 7523 JWT bearer grant): validates the
                         security token with the keys of the primaries it
                         trusts, maps the user, and issues the partner access
                         token (ES256 JWT: iss, sub = MC service ID at the
                         partner, aud = "mcptt", exp, iat, primary_sub) and
                         publishes its JWKS (file and /.well-known/jwks.json).

Both read their policy file at each request, so a test can change who is
allowed without a restart. Both log one line per request with the outcome,
never a token. Every token they see or issue is appended to --issued (0600),
so that tests can grep every log for them. --delay-ms holds each token
answer that long, as a real network's round trip would (the kill campaign,
tests/integration/kill-campaign.sh, kills mcmigd inside user-authenticating).
"""
import argparse
import json
import os
import ssl
import sys
import time
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives import serialization

TE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TT_ACCESS = "urn:ietf:params:oauth:token-type:access_token"
TT_JWT = "urn:ietf:params:oauth:token-type:jwt"


def log(msg):
    print(time.strftime("%H:%M:%S"), msg, flush=True)


class Refusal(Exception):
    """An RFC 6749 5.2 error answer."""

    def __init__(self, error, desc, status=400):
        super().__init__(desc)
        self.error, self.desc, self.status = error, desc, status


def load_key(path):
    with open(path, "rb") as f:
        return serialization.load_pem_private_key(f.read(), None)


def public_jwks(key, kid, alg):
    jwk = json.loads(jwt.algorithms.get_default_algorithms()[alg].to_jwk(key.public_key()))
    jwk.update({"kid": kid, "alg": alg, "use": "sig"})
    return {"keys": [jwk]}


def verify(token, jwks, issuer, audience=None):
    """Signature with the key of the token's kid, then iss, exp (and aud)."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as e:
        raise Refusal("invalid_grant", "not a JWT: %s" % e)
    kid, alg = header.get("kid"), header.get("alg")
    if alg not in ("RS256", "ES256"):
        raise Refusal("invalid_grant", "signature algorithm %s not accepted" % alg)
    keys = [k for k in jwks.get("keys", []) if kid is None or k.get("kid") == kid]
    if not keys:
        raise Refusal("invalid_grant", "signed with a key the server does not know")
    try:
        key = jwt.PyJWK(keys[0], algorithm=alg)
        return jwt.decode(token, key.key, algorithms=[alg], issuer=issuer,
                          audience=audience, options={"verify_aud": audience is not None,
                                                      "require": ["exp", "iss"]})
    except jwt.ExpiredSignatureError:
        raise Refusal("invalid_grant", "token expired")
    except jwt.PyJWTError as e:
        raise Refusal("invalid_grant", "token not valid: %s" % e)


class Service:
    def __init__(self, a):
        self.a = a
        self.key = load_key(a.signing_key)
        self.alg = "ES256" if a.mode == "partner" else "RS256"
        self.kid = a.mode + "-1"
        self.jwks = public_jwks(self.key, self.kid, self.alg)
        with open(a.jwks_out + ".tmp", "w") as f:
            json.dump(self.jwks, f)
        os.replace(a.jwks_out + ".tmp", a.jwks_out)

    def remember(self, *tokens):
        fd = os.open(self.a.issued, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a") as f:
            for t in tokens:
                f.write(t + "\n")

    def policy(self):
        with open(self.a.policy) as f:
            return json.load(f)

    def sign(self, claims):
        return jwt.encode(claims, self.key, algorithm=self.alg, headers={"kid": self.kid})

    # RFC 8693 2.1 at the primary.
    def exchange(self, form):
        if form.get("grant_type") != TE_GRANT:
            raise Refusal("unsupported_grant_type", "only the token exchange here")
        subject = form.get("subject_token", "")
        if form.get("subject_token_type") != TT_ACCESS or not subject:
            raise Refusal("invalid_request", "subject_token must be an access token")
        self.remember(subject)
        ctx = ssl.create_default_context(cafile=self.a.ca)
        with urllib.request.urlopen(self.a.primary_jwks, context=ctx, timeout=5) as r:
            jwks = json.load(r)
        claims = verify(subject, jwks, self.a.primary_issuer)
        user = claims.get("username", "")
        pol = self.policy().get("users", {}).get(user)
        if not pol:
            raise Refusal("invalid_grant", "user %s may not migrate" % user)
        resource = form.get("resource", "")
        if resource not in pol.get("partners", []):
            raise Refusal("invalid_target", "user %s may not migrate to %s" % (user, resource))
        now = int(time.time())
        tok = self.sign({"iss": self.a.issuer, "sub": pol["mc_id"], "aud": resource,
                         "iat": now, "exp": now + 120, "jti": str(uuid.uuid4()),
                         "client_id": claims.get("client_id", "")})
        self.remember(tok)
        log("exchange: %s -> %s: issued" % (user, resource))
        return {"access_token": tok, "issued_token_type": TT_JWT, "token_type": "N_A",
                "expires_in": 120}

    # RFC 7523 2.1 at the partner.
    def partner(self, form):
        if form.get("grant_type") != JWT_BEARER:
            raise Refusal("unsupported_grant_type", "only the JWT bearer grant here")
        assertion = form.get("assertion", "")
        if not assertion:
            raise Refusal("invalid_request", "no assertion")
        self.remember(assertion)
        pol = self.policy()
        try:
            iss = jwt.decode(assertion, options={"verify_signature": False}).get("iss", "")
        except jwt.PyJWTError as e:
            raise Refusal("invalid_grant", "not a JWT: %s" % e)
        trusted = pol.get("trust", {}).get(iss)
        if not trusted:
            raise Refusal("invalid_grant", "issuer %s not trusted" % iss)
        with open(trusted) as f:
            jwks = json.load(f)
        claims = verify(assertion, jwks, iss, audience=self.a.audience)
        mc_id = pol.get("users", {}).get(claims["sub"])
        if not mc_id:
            raise Refusal("invalid_grant", "no partner MC service ID for %s" % claims["sub"])
        now = int(time.time())
        tok = self.sign({"iss": self.a.issuer, "sub": mc_id, "aud": "mcptt", "iat": now,
                         "exp": now + int(pol.get("lifetime", 3600)),
                         "primary_sub": claims["sub"], "jti": str(uuid.uuid4())})
        self.remember(tok)
        log("partner token: %s -> %s: issued" % (claims["sub"], mc_id))
        return {"access_token": tok, "token_type": "Bearer",
                "expires_in": int(pol.get("lifetime", 3600))}


class Handler(BaseHTTPRequestHandler):
    svc = None

    def log_message(self, fmt, *args):
        pass  # one line per request of our own, without the query

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path in ("/jwks.json", "/.well-known/jwks.json"):
            self.answer(200, self.svc.jwks)
        else:
            self.answer(404, {"error": "not_found"})

    def do_POST(self):
        path = urllib.parse.urlsplit(self.path).path
        n = int(self.headers.get("Content-Length", "0"))
        form = dict(urllib.parse.parse_qsl(self.rfile.read(n).decode("ascii", "replace")))
        try:
            if path != "/token":
                raise Refusal("invalid_request", "no such endpoint", 404)
            fn = self.svc.exchange if self.svc.a.mode == "exchange" else self.svc.partner
            body = fn(form)
            # A thread per request (ThreadingHTTPServer): only this answer waits.
            time.sleep(self.svc.a.delay_ms / 1000)
            self.answer(200, body)
        except Refusal as r:
            log("%s refused: %s: %s" % (self.svc.a.mode, r.error, r.desc))
            self.answer(r.status, {"error": r.error, "error_description": r.desc})
        except Exception as e:  # a bench bug still answers, and says what
            log("%s failed: %s" % (self.svc.a.mode, type(e).__name__))
            self.answer(500, {"error": "server_error", "error_description": type(e).__name__})


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["exchange", "partner"])
    p.add_argument("--listen", required=True, help="ADDR:PORT")
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--ca", required=True)
    p.add_argument("--issuer", required=True)
    p.add_argument("--signing-key", required=True)
    p.add_argument("--jwks-out", required=True)
    p.add_argument("--policy", required=True)
    p.add_argument("--issued", required=True)
    p.add_argument("--primary-jwks", help="exchange: glewlwyd's JWKS URL")
    p.add_argument("--primary-issuer", help="exchange: glewlwyd's iss")
    p.add_argument("--audience", help="partner: its token endpoint, the aud it accepts")
    p.add_argument("--delay-ms", type=int, default=0, help="each token answer this much later")
    a = p.parse_args()
    Handler.svc = Service(a)
    addr, port = a.listen.rsplit(":", 1)
    srv = ThreadingHTTPServer((addr, int(port)), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.cert, a.key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    log("%s listening on https://%s" % (a.mode, a.listen))
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
