#!/bin/bash
# Starts and stops the bench's IdM servers (issue 14, seed step 14) inside the
# topology's namespaces:
#
#   primary: glewlwyd (Debian) at https://idms.primary.example/api/ (192.0.2.1:443):
#            sign-in, code grant with PKCE, refresh, JWKS; configured here
#            through its admin API (OIDC plugin, scope mcptt, public client
#            mcmig-ue, user alice with a random password, her consent)
#            idms.py exchange at https://idms.primary.example:8693/token: the
#            RFC 8693 token exchange glewlwyd does not have
#   partner: idms.py partner at https://idms.partner.example/token
#            (198.51.100.1:443, reached over the partner PDN)
#
#   tests/bench/idms/start.sh start RUN_DIR
#   tests/bench/idms/start.sh stop RUN_DIR
#   tests/bench/idms/start.sh revoke RUN_DIR    alice disables her refresh tokens
#                                              (glewlwyd's own user API)
#
# MCMIG_IDMS_DELAY_MS: the exchange and the partner IdMS answer that much
# later (idms.py --delay-ms). RUN_DIR must hold topology.env (tests/bench/topology.sh up). Made in RUN_DIR
# (secrets 0600): idms-pki/ (CA, TLS and signing keys), idms-glewlwyd.{conf,db},
# idms-alice.password, idms-*-policy.json (read by idms.py at each request:
# tests edit them), idms-exchange-jwks.json, idms-partner-jwks.json,
# idms-issued.tokens (every token the bench services saw or issued, for the
# log grep), idms.env (MCMIG_IDMS_* for mcmig.conf), idms-<c>.log/.pid; stop
# kills exactly the PIDs in the .pid files.
set -euo pipefail

top=$(cd "$(dirname "$0")/../../.." && pwd)
src=$top/tests/bench/idms
usage() {
	echo "usage: $0 start|stop|revoke RUN_DIR" >&2
	exit 2
}
[ $# -eq 2 ] || usage
cmd=$1
run=$(cd "$2" && pwd)
[ -f "$run/topology.env" ] || { echo "idms: $run/topology.env missing (topology.sh up)" >&2; exit 1; }
. "$run/topology.env"

PRIMARY_URL=https://idms.primary.example
EXCHANGE_URL=https://idms.primary.example:8693/token
PARTNER_TOKEN_URL=https://idms.partner.example/token
CLIENT_ID=mcmig-ue
REDIRECT=org.mcmig.agent:/idm-callback
pki=$run/idms-pki

# curl inside the primary namespace, verified against the bench CA.
pcurl() {
	ip netns exec "$MCMIG_NS_PRIMARY" curl -sS --max-time 10 --cacert "$pki/ca.crt" "$@"
}

gen_pki() {
	umask 077
	mkdir -p "$pki"
	openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-keyout "$pki/ca.key" -out "$pki/ca.crt" -subj "/O=mcmig bench/CN=mcmig bench IdMS CA" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
	local name san
	for name in primary partner; do
		san="DNS:idms.$name.example,IP:$([ $name = primary ] && echo "$MCMIG_PRIMARY_ADDR" ||
			echo "$MCMIG_PARTNER_UE_ADDR")"
		openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout "$pki/$name.key" -out "$pki/$name.csr" \
			-subj "/O=mcmig bench $name/CN=idms.$name.example" 2>/dev/null
		openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" \
			-CAcreateserial -days 2 -out "$pki/$name.crt" -extfile <(printf '%s\n' \
			"basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
			"extendedKeyUsage=serverAuth" "subjectAltName=$san") 2>/dev/null
		rm -f "$pki/$name.csr"
	done
	rm -f "$pki/ca.srl"
	# Token signing keys: glewlwyd's and the exchange's RS256, the partner's ES256.
	openssl genrsa -out "$pki/glewlwyd-sign.key" 2048 2>/dev/null
	openssl rsa -in "$pki/glewlwyd-sign.key" -pubout -out "$pki/glewlwyd-sign.pub" 2>/dev/null
	openssl genrsa -out "$pki/exchange-sign.key" 2048 2>/dev/null
	openssl ecparam -name prime256v1 -genkey -noout -out "$pki/partner-sign.key" 2>/dev/null
	chmod 0644 "$pki/ca.crt"
	umask 022
}

glewlwyd_conf() {
	cat <<EOT
# Rendered by tests/bench/idms/start.sh: the bench's primary IdM server.
port=443
bind_address="$MCMIG_PRIMARY_ADDR"
external_url="$PRIMARY_URL"
login_url="login.html"
api_prefix="api"
static_files_path="/usr/share/glewlwyd/webapp/"
allow_origin="$PRIMARY_URL"
log_mode="file"
log_level="INFO"
log_file="$run/idms-glewlwyd.log"
cookie_domain="idms.primary.example"
cookie_secure=1
session_expiration=3600
session_key="GLEWLWYD2_SESSION_ID"
admin_scope="g_admin"
profile_scope="g_profile"
user_module_path="/usr/lib/glewlwyd/user"
client_module_path="/usr/lib/glewlwyd/client"
user_auth_scheme_module_path="/usr/lib/glewlwyd/scheme"
plugin_module_path="/usr/lib/glewlwyd/plugin"
use_secure_connection=true
secure_connection_key_file="$pki/primary.key"
secure_connection_pem_file="$pki/primary.crt"
hash_algorithm="SHA512"
database =
{
  type = "sqlite3"
  path = "$run/idms-glewlwyd.db"
};
EOT
}

# The OIDC plugin instance: code grant with PKCE S256 required, refresh,
# RS256 access tokens carrying the username (the exchange's user key).
plugin_json() {
	/usr/bin/python3 - "$pki" "$PRIMARY_URL" <<'EOF'
import json, sys
pki, iss = sys.argv[1], sys.argv[2]
print(json.dumps({"module": "oidc", "name": "oidc", "display_name": "mcmig bench OIDC",
  "enabled": True, "parameters": {
    "iss": iss, "jwt-type": "rsa", "jwt-key-size": "256",
    "key": open(pki + "/glewlwyd-sign.key").read(),
    "cert": open(pki + "/glewlwyd-sign.pub").read(),
    "access-token-duration": 3600, "refresh-token-duration": 1209600,
    "code-duration": 600, "refresh-token-rolling": True,
    "auth-type-code-enabled": True, "auth-type-refresh-enabled": True,
    "auth-type-token-enabled": False, "auth-type-id-token-enabled": True,
    "auth-type-password-enabled": False, "auth-type-client-enabled": False,
    "auth-type-device-enabled": False,
    "pkce-allowed": True, "pkce-method-plain-allowed": False, "pkce-required": True,
    "allowed-scope": ["openid", "mcptt"], "jwks-show": True,
    "additional-parameters": [{"user-parameter": "username", "token-parameter": "username",
                               "token-changed": False}]}}))
EOF
}

# admin PATH METHOD JSON: the admin API with the admin session in a jar (0600).
admin() {
	local code
	code=$(pcurl -o "$run/idms-admin.out" -w '%{http_code}' -b "$run/idms-admin.jar" \
		-c "$run/idms-admin.jar" -H 'Content-Type: application/json' -X "$2" \
		--data-binary "$3" "$PRIMARY_URL/api$1")
	[ "$code" = 200 ] || { echo "idms: glewlwyd $2 $1: HTTP $code $(cat "$run/idms-admin.out")" >&2; return 1; }
}

wait_port() { # NS ADDR PORT
	local i
	for i in $(seq 100); do
		ip netns exec "$1" bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "idms: nothing listens on $2:$3" >&2
	return 1
}

start_glewlwyd() {
	rm -f "$run/idms-glewlwyd.db"
	zcat /usr/share/doc/glewlwyd/database/init.sqlite3.sql.gz | sqlite3 "$run/idms-glewlwyd.db"
	chmod 0600 "$run/idms-glewlwyd.db"
	glewlwyd_conf >"$run/idms-glewlwyd.conf"
	ip netns exec "$MCMIG_NS_PRIMARY" glewlwyd --config-file="$run/idms-glewlwyd.conf" \
		>"$run/idms-glewlwyd.out" 2>&1 &
	echo $! >"$run/idms-glewlwyd.pid"
	wait_port "$MCMIG_NS_PRIMARY" "$MCMIG_PRIMARY_ADDR" 443

	# The initial admin of Debian's schema; only reachable inside the namespace.
	umask 077
	admin /auth/ POST '{"username":"admin","password":"password"}'
	admin /mod/plugin/ POST "$(plugin_json)"
	admin /scope/ POST '{"name":"mcptt","display_name":"MCPTT","description":"MC services (TS 33.180)","password_required":true,"password_max_age":0,"scheme":{}}'
	admin /client/ POST "{\"client_id\":\"$CLIENT_ID\",\"name\":\"mcmig UE\",\"description\":\"IdM client of the MC service UE\",\"confidential\":false,\"enabled\":true,\"redirect_uri\":[\"$REDIRECT\"],\"authorization_type\":[\"code\",\"refresh_token\"]}"
	head -c 18 /dev/urandom | base64 | tr '+/' '-_' >"$run/idms-alice.password"
	admin /user/ POST "{\"username\":\"alice\",\"name\":\"Alice\",\"email\":\"\",\"enabled\":true,\"password\":\"$(cat "$run/idms-alice.password")\",\"scope\":[\"openid\",\"mcptt\",\"g_profile\"]}"
	rm -f "$run/idms-admin.jar" "$run/idms-admin.out"
	# Alice's consent to the UE's client (what the login page asks once).
	user_session admin_consent
	umask 022
}

# user_session FN: runs FN with an authenticated session of alice's in $jar.
user_session() {
	local jar=$run/idms-alice.jar rc=0
	umask 077
	pcurl -o /dev/null -f -c "$jar" -H 'Content-Type: application/json' --data-binary @- \
		"$PRIMARY_URL/api/auth/" <<EOT
{"username":"alice","password":"$(cat "$run/idms-alice.password")"}
EOT
	"$1" "$jar" || rc=$?
	rm -f "$jar"
	return $rc
}

admin_consent() {
	pcurl -o /dev/null -f -b "$1" -H 'Content-Type: application/json' -X PUT \
		--data-binary '{"scope":"openid mcptt"}' "$PRIMARY_URL/api/auth/grant/$CLIENT_ID/"
}

# glewlwyd's profile API: the user lists her refresh tokens and disables each.
disable_tokens() {
	local h
	for h in $(pcurl -f -b "$1" "$PRIMARY_URL/api/oidc/token" | /usr/bin/python3 -c '
import json, sys, urllib.parse
for t in json.load(sys.stdin):
    if t["enabled"]:
        print(urllib.parse.quote(t["token_hash"], safe=""))'); do
		pcurl -o /dev/null -f -b "$1" -X DELETE "$PRIMARY_URL/api/oidc/token/$h"
	done
}

write_policies() {
	cat >"$run/idms-exchange-policy.json" <<EOT
{"users": {"alice": {"mc_id": "sip:alice@mcptt.primary.example",
                     "partners": ["$PARTNER_TOKEN_URL"]}}}
EOT
	cat >"$run/idms-partner-policy.json" <<EOT
{"trust": {"https://idms.primary.example:8693": "$run/idms-exchange-jwks.json"},
 "users": {"sip:alice@mcptt.primary.example": "sip:alice@mcptt.partner.example"},
 "lifetime": 3600}
EOT
}

start_services() {
	: >"$run/idms-issued.tokens"
	chmod 0600 "$run/idms-issued.tokens"
	ip netns exec "$MCMIG_NS_PRIMARY" /usr/bin/python3 "$src/idms.py" exchange \
		--listen "$MCMIG_PRIMARY_ADDR:8693" --cert "$pki/primary.crt" --key "$pki/primary.key" \
		--ca "$pki/ca.crt" --issuer https://idms.primary.example:8693 \
		--signing-key "$pki/exchange-sign.key" --jwks-out "$run/idms-exchange-jwks.json" \
		--policy "$run/idms-exchange-policy.json" --issued "$run/idms-issued.tokens" \
		--primary-jwks "$PRIMARY_URL/api/oidc/jwks" --primary-issuer "$PRIMARY_URL" \
		--delay-ms "${MCMIG_IDMS_DELAY_MS:-0}" \
		>"$run/idms-exchange.log" 2>&1 &
	echo $! >"$run/idms-exchange.pid"
	ip netns exec "$MCMIG_NS_PARTNER" /usr/bin/python3 "$src/idms.py" partner \
		--listen "$MCMIG_PARTNER_UE_ADDR:443" --cert "$pki/partner.crt" --key "$pki/partner.key" \
		--ca "$pki/ca.crt" --issuer https://idms.partner.example \
		--signing-key "$pki/partner-sign.key" --jwks-out "$run/idms-partner-jwks.json" \
		--policy "$run/idms-partner-policy.json" --issued "$run/idms-issued.tokens" \
		--audience "$PARTNER_TOKEN_URL" --delay-ms "${MCMIG_IDMS_DELAY_MS:-0}" \
		>"$run/idms-partner.log" 2>&1 &
	echo $! >"$run/idms-partner.pid"
	wait_port "$MCMIG_NS_PRIMARY" "$MCMIG_PRIMARY_ADDR" 8693
	wait_port "$MCMIG_NS_PARTNER" "$MCMIG_PARTNER_UE_ADDR" 443
}

stop() {
	local c pid
	for c in partner exchange glewlwyd; do
		[ -f "$run/idms-$c.pid" ] || continue
		pid=$(cat "$run/idms-$c.pid")
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null || true
		rm -f "$run/idms-$c.pid"
	done
}

case "$cmd" in
start)
	trap stop ERR
	gen_pki
	start_glewlwyd
	write_policies
	start_services
	cat >"$run/idms.env" <<EOT
MCMIG_IDMS_LOGIN_URL=$PRIMARY_URL/api/auth/
MCMIG_IDMS_AUTH_URL=$PRIMARY_URL/api/oidc/auth?g_continue
MCMIG_IDMS_TOKEN_URL=$PRIMARY_URL/api/oidc/token
MCMIG_IDMS_EXCHANGE_URL=$EXCHANGE_URL
MCMIG_IDMS_PARTNER_TOKEN_URL=$PARTNER_TOKEN_URL
MCMIG_IDMS_CA=$pki/ca.crt
MCMIG_IDMS_CLIENT_ID=$CLIENT_ID
MCMIG_IDMS_REDIRECT=$REDIRECT
MCMIG_IDMS_USER=alice
MCMIG_IDMS_PASSWORD_FILE=$run/idms-alice.password
EOT
	echo "idms: glewlwyd, token exchange and partner IdMS up"
	;;
stop) stop ;;
revoke) user_session disable_tokens ;;
*) usage ;;
esac
