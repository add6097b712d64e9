#!/usr/bin/env bash
# Checks that the two Caddy configurations the deployment guide ships obtain a certificate over
# the real ACME protocol (RFC 8555) and then serve Passerelle over verified HTTPS. The ACME
# server is Pebble, Let's Encrypt's own test CA (a small Boulder: same API, same HTTP-01 and
# TLS-ALPN-01 validations, fresh random roots on each start); Caddy is Debian's (the one part B
# of docs/deploy.md installs). Nothing here runs in a container, so no image registry is needed.
#
#   deploy/acme-check.sh [PASSERELLE_BINARY]     (default: target/release/passerelle)
#
# From the repository root, as root: Caddy binds ports 80 and 443 on 127.0.0.1, where Pebble
# validates the challenges. Needs caddy, pebble and pebble-challtestsrv (Debian 12: `apt-get
# install caddy pebble`), openssl, curl and python3. The test domain resolves to 127.0.0.1
# through pebble-challtestsrv's DNS for Pebble, and through `curl --resolve` for the checks:
# /etc/hosts is not touched. Exit status 0 only when every check passed; the last line counts
# them. What it checks and its last result: docs/deploy.md, "Checking the deployment files".
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
ROOT=$PWD
BIN=${1:-target/release/passerelle}
DOMAIN=${CHECK_DOMAIN:-directory.passerelle.test}
UPSTREAM_PORT=${CHECK_UPSTREAM_PORT:-18080}

passed=0
failed=0
ok() { echo "ok   - $*"; passed=$((passed + 1)); }
bad() { echo "FAIL - $*"; failed=$((failed + 1)); }
say() { echo "# $*"; }
check() {
    local what=$1
    shift
    if "$@" >/dev/null 2>&1; then ok "$what"; else bad "$what"; fi
}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

for tool in caddy pebble pebble-challtestsrv openssl curl python3; do
    command -v "$tool" >/dev/null || { echo "acme-check: $tool is missing (apt-get install caddy pebble curl openssl python3)" >&2; exit 2; }
done
[ -x "$BIN" ] || { echo "acme-check: no Passerelle binary at $BIN (cargo build --release -p passerelle)" >&2; exit 2; }
BIN=$(realpath "$BIN")

tmp=$(mktemp -d)
pids=()
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
finish() {
    echo "# $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit $?
}
# Waits up to $1 seconds for the command that follows to succeed.
wait_for() {
    local secs=$1
    shift
    for _ in $(seq 1 $((secs * 5))); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    return 1
}

# --- Pebble and its DNS ---------------------------------------------------------------------
# Pebble's own API is HTTPS; its certificate is a throwaway self-signed one that only Caddy
# (acme_ca_root) is told to trust.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=pebble" \
    -addext "subjectAltName=IP:127.0.0.1" -addext "basicConstraints=critical,CA:TRUE" \
    -keyout "$tmp/pebble.key" -out "$tmp/pebble.pem" 2>/dev/null || { echo "openssl failed" >&2; exit 2; }
cat >"$tmp/pebble.json" <<EOF
{"pebble": {
  "listenAddress": "127.0.0.1:14000",
  "managementListenAddress": "127.0.0.1:15000",
  "certificate": "$tmp/pebble.pem",
  "privateKey": "$tmp/pebble.key",
  "httpPort": 80,
  "tlsPort": 443,
  "ocspResponderURL": "",
  "externalAccountBindingRequired": false
}}
EOF
# A DNS server answering 127.0.0.1 for every name (and no AAAA), for Pebble's validations.
pebble-challtestsrv -defaultIPv4 127.0.0.1 -defaultIPv6 "" -dns01 127.0.0.1:8053 \
    -http01 "" -https01 "" -tlsalpn01 "" -management 127.0.0.1:8055 >"$tmp/challtestsrv.log" 2>&1 &
pids+=($!)
# No deliberate delays and no random nonce rejections: the run is the same every time.
PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 \
    pebble -config "$tmp/pebble.json" -dnsserver 127.0.0.1:8053 >"$tmp/pebble.log" 2>&1 &
pids+=($!)
if wait_for 20 curl -fsS --cacert "$tmp/pebble.pem" https://127.0.0.1:14000/dir; then
    ok "Pebble's ACME directory answers"
else
    cat "$tmp/pebble.log"
    bad "Pebble's ACME directory answers"
    finish
fi
# The root Pebble issues under, made at its start: what a client of the site must trust.
curl -fsS --cacert "$tmp/pebble.pem" https://127.0.0.1:15000/roots/0 >"$tmp/root.pem"
check "Pebble's issuing root is a certificate" openssl x509 -in "$tmp/root.pem" -noout

# --- Passerelle, configured as in the guide -------------------------------------------------
mkdir -p "$tmp/data"
(
    cd "$tmp/data" || exit 1
    export PASSERELLE__SERVER__BIND=127.0.0.1:$UPSTREAM_PORT \
        PASSERELLE__SERVER__LOG_FORMAT=json \
        PASSERELLE__INSTANCE__DOMAIN=$DOMAIN \
        PASSERELLE__DATABASE__URL="sqlite://$tmp/data/passerelle.db?mode=rwc" \
        PASSERELLE__FEDERATION__ALLOW_INSECURE=false \
        PASSERELLE__HTTP__TRUSTED_PROXIES='["127.0.0.1/32", "::1/128"]' \
        PASSERELLE__MEDIA__DIR="$tmp/data/media"
    "$BIN" migrate >"$tmp/migrate.log" 2>&1 &&
        "$BIN" org create acme-check --name "ACME check" --language en >"$tmp/org.log" 2>&1 &&
        exec "$BIN" serve >"$tmp/passerelle.log" 2>&1
) &
pids+=($!)
if wait_for 60 curl -fsS "http://127.0.0.1:$UPSTREAM_PORT/readyz"; then
    ok "passerelle serve is ready on 127.0.0.1:$UPSTREAM_PORT"
else
    cat "$tmp/migrate.log" "$tmp/org.log" "$tmp/passerelle.log" 2>/dev/null | tail -n 20
    bad "passerelle serve is ready"
    finish
fi

# --- One Caddy configuration -----------------------------------------------------------------
# $1: a name for the output; $2: the site configuration (a file), imported unchanged under a
# global block that points Caddy's ACME issuer at Pebble instead of Let's Encrypt.
https() { curl -sS --resolve "$DOMAIN:443:127.0.0.1" --cacert "$tmp/root.pem" "$@"; }
run_caddy() {
    local name=$1 site=$2
    say "Caddy with $name"
    # A fresh storage directory each time: the certificate must come from this run's ACME order.
    local home="$tmp/caddy-$name"
    mkdir -p "$home"
    cat >"$home/Caddyfile" <<EOF
{
	acme_ca https://127.0.0.1:14000/dir
	acme_ca_root $tmp/pebble.pem
	email acme-check@$DOMAIN
	admin off
}
import $site
EOF
    HOME=$home XDG_DATA_HOME=$home/data XDG_CONFIG_HOME=$home/config \
        PASSERELLE_DOMAIN=$DOMAIN PASSERELLE_UPSTREAMS=127.0.0.1:$UPSTREAM_PORT \
        caddy run --config "$home/Caddyfile" --adapter caddyfile >"$home/caddy.log" 2>&1 &
    local caddy=$!
    pids+=("$caddy")
    if wait_for 90 grep -q "certificate obtained successfully" "$home/caddy.log"; then
        ok "$name: Caddy obtained a certificate for $DOMAIN from the ACME server"
    else
        tail -n 30 "$home/caddy.log"
        bad "$name: Caddy obtained a certificate for $DOMAIN from the ACME server"
        kill "$caddy" 2>/dev/null
        wait "$caddy" 2>/dev/null
        return
    fi
    local challenge
    challenge=$(grep -o '"challenge_type":"[a-z0-9-]*"' "$home/caddy.log" | head -n 1 | cut -d'"' -f4)
    check "$name: Pebble validated a $challenge challenge against Caddy on 127.0.0.1" \
        test -n "$challenge"
    # The chain the site presents verifies against Pebble's root and names the domain.
    echo | openssl s_client -connect 127.0.0.1:443 -servername "$DOMAIN" -showcerts 2>/dev/null \
        | awk '/BEGIN CERT/,/END CERT/' >"$home/chain.pem"
    openssl x509 -in "$home/chain.pem" -noout >/dev/null 2>&1 &&
        openssl x509 -in "$home/chain.pem" -noout -ext subjectAltName >"$home/san.txt" 2>/dev/null
    check "$name: the served certificate names $DOMAIN" grep -q "DNS:$DOMAIN" "$home/san.txt"
    check "$name: it was issued by Pebble (not Caddy's local CA)" \
        sh -c "openssl x509 -in '$home/chain.pem' -noout -issuer | grep -qi pebble"
    check "$name: /readyz over HTTPS, chain verified against Pebble's root" \
        https -f "https://$DOMAIN/readyz"
    https -f "https://$DOMAIN/.well-known/webfinger?resource=acct:acme-check@$DOMAIN" \
        >"$home/webfinger.json" 2>/dev/null
    local actor
    actor=$(json "[l['href'] for l in d['links'] if l.get('rel') == 'self'][0]" <"$home/webfinger.json" 2>/dev/null)
    check "$name: WebFinger through the proxy links an https://$DOMAIN/ actor ($actor)" \
        sh -c "case '$actor' in https://$DOMAIN/*) exit 0;; *) exit 1;; esac"
    https -f -H 'Accept: application/activity+json' "$actor" >"$home/actor.json" 2>/dev/null
    check "$name: the actor document's id is $actor" \
        test "$(json "d['id']" <"$home/actor.json" 2>/dev/null)" = "$actor"
    local code
    code=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' --resolve "$DOMAIN:80:127.0.0.1" \
        "http://$DOMAIN/readyz")
    check "$name: http:// redirects to https:// ($code)" \
        sh -c "case '$code' in 30[178]\ https://$DOMAIN/readyz) exit 0;; *) exit 1;; esac"
    code=$(https -o /dev/null -w '%{http_code}' "https://$DOMAIN/metrics")
    check "$name: /metrics is not public ($code)" test "$code" = 404
    kill "$caddy" 2>/dev/null
    wait "$caddy" 2>/dev/null
}

# 1. The compose file's Caddyfile, as shipped (the site is {$PASSERELLE_DOMAIN}, the upstreams
#    {$PASSERELLE_UPSTREAMS}).
run_caddy compose-Caddyfile "$ROOT/deploy/Caddyfile"

# 2. The Caddyfile that part B, step 6 of docs/deploy.md writes to /etc/caddy/Caddyfile, taken
#    from the guide itself, with the example domain and port replaced.
awk "/cat > \/etc\/caddy\/Caddyfile <<'CADDY'/ {on=1; next} /^ *CADDY\$/ {on=0} on" docs/deploy.md \
    | sed -e "s/directory\.example\.org/$DOMAIN/g" -e "s/127\.0\.0\.1:8080/127.0.0.1:$UPSTREAM_PORT/g" \
    >"$tmp/guide.Caddyfile"
if grep -q "reverse_proxy 127.0.0.1:$UPSTREAM_PORT" "$tmp/guide.Caddyfile"; then
    ok "the guide's Caddyfile was found in docs/deploy.md"
    run_caddy guide-Caddyfile "$tmp/guide.Caddyfile"
else
    bad "the guide's Caddyfile was found in docs/deploy.md"
fi

check "Passerelle logged no private key or secret" \
    sh -c "! grep -Eiq 'BEGIN (RSA )?PRIVATE KEY|session_secret' '$tmp/passerelle.log'"
finish
