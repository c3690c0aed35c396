#!/bin/sh
# make-test-certs.sh DIR — test-only TLS certificates for ub-test-httpd.py
#
# Made fresh at test time with the openssl command (never committed), valid
# for two days, EC P-256 keys:
#   DIR/ca.pem                     a test CA (give it to UNBRICK_TEST_CA_FILE)
#   DIR/server.pem, server.key     a server certificate for 127.0.0.1 and
#                                  localhost, signed by that CA
#   DIR/self.pem, self.key         a self-signed certificate for the same names
#                                  (no CA vouches for it)
set -eu

dir=${1:?usage: make-test-certs.sh DIR}
openssl=${OPENSSL:-openssl}
mkdir -p "$dir"
cd "$dir"

names="subjectAltName=IP:127.0.0.1,DNS:localhost"
ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"

# shellcheck disable=SC2086
"$openssl" req -x509 $ec -keyout ca.key -out ca.pem -days 2 -subj "/CN=Unbrick test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
# shellcheck disable=SC2086
"$openssl" req -new $ec -keyout server.key -out server.csr -subj "/CN=localhost" -addext "$names" 2>/dev/null
"$openssl" x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 \
  -copy_extensions copy 2>/dev/null
# shellcheck disable=SC2086
"$openssl" req -x509 $ec -keyout self.key -out self.pem -days 2 -subj "/CN=localhost" -addext "$names" 2>/dev/null
rm -f server.csr ca.srl
