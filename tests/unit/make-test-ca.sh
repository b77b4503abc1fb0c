#!/bin/bash
# Makes a throw-away test PKI in DIR for the unit tests' HTTPS servers:
#   ca.pem          the CA the client pins
#   server.pem/.key a server certificate for localhost / 127.0.0.1 signed by it
#   other-ca.pem    an unrelated CA (the "wrong CA" case)
set -euo pipefail
dir=${1:?usage: make-test-ca.sh DIR}
cd "$dir"
ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.pem -days 3650 \
	-subj "/CN=mcmig unit test CA" 2>/dev/null
openssl req -x509 "${ec[@]}" -keyout other-ca.key -out other-ca.pem -days 3650 \
	-subj "/CN=mcmig unrelated CA" 2>/dev/null
openssl req "${ec[@]}" -keyout server.key -out server.csr -subj "/CN=localhost" 2>/dev/null
printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" "basicConstraints=CA:FALSE" \
	"keyUsage=digitalSignature" "extendedKeyUsage=serverAuth" >server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 \
	-extfile server.ext -out server.pem 2>/dev/null
chmod 0600 ./*.key
