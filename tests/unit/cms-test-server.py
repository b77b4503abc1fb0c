#!/usr/bin/python3
# A scripted HTTPS stand-in for the primary CMS, for test_cmc only (the real
# bench CMS is the cms helper's mcmig-cms). Answers the Nth request with the
# Nth script item:
#   200   the partner connection document     403  not-authorised
#   502   partner-unreachable                 503  unavailable
#   hang  never answers                       big  a 300 KiB answer
# Usage: cms-test-server.py CERT KEY PORTFILE LOGFILE ANSWER.xml ITEM...
import http.server
import os
import ssl
import sys
import time

cert, key, portfile, logfile, answer_file = sys.argv[1:6]
script = sys.argv[6:]
answer = open(answer_file, "rb").read()
count = 0

ERRORS = {
    403: ("not-authorised", "user not permitted to migrate"),
    502: ("partner-unreachable", "the partner CMS did not answer"),
    503: ("unavailable", "temporary overload"),
}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def do_POST(self):
        global count
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        item = script[count] if count < len(script) else "503"
        count += 1
        with open(logfile, "a") as log:
            log.write("POST %s auth=%s type=%s body=%s\n" % (
                self.path, self.headers.get("Authorization"),
                self.headers.get("Content-Type"), body.decode().replace("\n", "")))
        if item == "hang":
            time.sleep(30)
            return
        if item == "big":
            self.reply(200, b"<partner-connection>" + b"x" * (300 * 1024))
            return
        status = int(item)
        if status == 200:
            self.reply(200, answer)
            return
        code, text = ERRORS[status]
        self.reply(status, ('<error xmlns="urn:mcmig:partner:1.0"><code>%s</code>'
                            '<text>%s</text></error>' % (code, text)).encode())

    def reply(self, status, data):
        self.send_response(status)
        self.send_header("Content-Type", "application/vnd.mcmig.partner-connection+xml")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)


httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
with open(portfile + ".tmp", "w") as f:
    f.write(str(httpd.server_address[1]))
os.rename(portfile + ".tmp", portfile)
httpd.serve_forever()
