#!/bin/bash
# Makes the bench's test PKI for the configuration management servers:
#
#   gen-certs.sh DIR
#
#   DIR/ca.crt ca.key                     the bench CA (trusted by both CMS and the agent)
#   DIR/primary-server.crt/.key           cms.primary.example, IP 192.0.2.1 (UE-facing, TLS server)
#   DIR/primary-client.crt/.key           the primary CMS towards partners (TLS client, steps 7/12)
#   DIR/partner-server.crt/.key           cms.partner.example, IP 203.0.113.2 (CMS-to-CMS server)
#   DIR/rogue-client.crt/.key             signed by the CA but no allowed primary system (tests)
#   DIR/primary-client.sha256             SHA-256 of primary-client.crt (DER), for the partner's config
#
# Keys are EC P-256, 0600, made fresh each run; nothing here is a production secret.
set -euo pipefail
dir=${1:?usage: gen-certs.sh DIR}
umask 077
mkdir -p "$dir"
cd "$dir"

days=2
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days "$days" \
	-keyout ca.key -out ca.crt -subj "/O=mcmig bench/CN=mcmig bench CA" \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
	2>/dev/null

# issue NAME SUBJECT EKU [SAN]
issue() {
	local name=$1 subj=$2 eku=$3 san=${4:-} ext
	ext="basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=$eku"
	[ -n "$san" ] && ext+="
subjectAltName=$san"
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$name.key" \
		-out "$name.csr" -subj "$subj" 2>/dev/null
	openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days "$days" \
		-out "$name.crt" -extfile <(echo "$ext") 2>/dev/null
	rm -f "$name.csr"
}

issue primary-server "/O=mcmig bench primary/CN=cms.primary.example" serverAuth \
	"DNS:cms.primary.example,IP:192.0.2.1"
issue primary-client "/O=mcmig bench primary/CN=cms.primary.example" clientAuth
issue partner-server "/O=mcmig bench partner/CN=cms.partner.example" serverAuth \
	"DNS:cms.partner.example,IP:203.0.113.2"
issue rogue-client "/O=mcmig bench rogue/CN=cms.rogue.example" clientAuth
rm -f ca.srl
openssl x509 -in primary-client.crt -outform DER | sha256sum | cut -d' ' -f1 >primary-client.sha256
chmod 0644 ./*.crt primary-client.sha256
