#!/usr/bin/env bash
# Runs the deployment files for real and checks what they promise (docs/deploy.md, "Checking
# the deployment files"). From the repository root, as root (or a user of the docker group):
#
#   deploy/check.sh             build the image, run it alone (SQLite), run the compose file
#                               (PostgreSQL + Caddy + a worker), verify the systemd units
#   deploy/check.sh --no-build  reuse the passerelle:check image of an earlier run
#   deploy/check.sh --keep      leave the containers and volumes running at the end
#
# Needs a container engine with the compose plugin (ENGINE=docker by default), curl and
# python3; systemd-analyze for the unit check. Ports 80 and 443 on 127.0.0.1 must be free (the
# compose file's Caddy is published there so that https://$CHECK_DOMAIN/ is reached on its
# real port; override with CHECK_HTTP_PORT / CHECK_HTTPS_PORT). Base images (rust, debian,
# postgres, caddy) are pulled; where no registry can be reached, stand-ins are built from
# Debian's archive by deploy/standin/build.sh (the check then says so). Exit status 0 only
# when every check passed; the last line counts them.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
ENGINE=${ENGINE:-docker}
DOMAIN=${CHECK_DOMAIN:-directory.passerelle.test}
HTTP_PORT=${CHECK_HTTP_PORT:-80}
HTTPS_PORT=${CHECK_HTTPS_PORT:-443}
IMAGE=passerelle:check
PROJECT=passerelle-check
SOLO=passerelle-check-sqlite
MAX_IMAGE_MB=${CHECK_MAX_IMAGE_MB:-150}
BUILD=1
KEEP=0
for arg in "$@"; do
    case $arg in
    --no-build) BUILD=0 ;;
    --keep) KEEP=1 ;;
    *) echo "usage: deploy/check.sh [--no-build] [--keep]" >&2; exit 2 ;;
    esac
done

passed=0
failed=0
ok() { echo "ok   - $*"; passed=$((passed + 1)); }
bad() { echo "FAIL - $*"; failed=$((failed + 1)); }
# check DESCRIPTION COMMAND...: one assertion.
check() {
    local what=$1
    shift
    if "$@"; then ok "$what"; else bad "$what"; fi
}
say() { echo "# $*"; }
finish() {
    echo "# $(date -u +%FT%TZ) $ENGINE $("$ENGINE" version --format '{{.Server.Version}}' 2>/dev/null)"
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit $?
}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

tmp=$(mktemp -d)
compose() {
    "$ENGINE" compose -p "$PROJECT" --env-file "$tmp/env" -f deploy/compose.yaml -f "$tmp/check.yaml" "$@"
}
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    if [ "$KEEP" = 1 ]; then
        say "--keep: left running; stop with: $ENGINE rm -f $SOLO; $ENGINE volume rm $SOLO;" \
            "$ENGINE compose -p $PROJECT down -v"
    else
        "$ENGINE" rm -f -v "$SOLO" >/dev/null 2>&1
        "$ENGINE" volume rm "$SOLO" >/dev/null 2>&1
        [ -f "$tmp/check.yaml" ] && compose --profile worker down -v --remove-orphans >/dev/null 2>&1
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# Waits until container $1's health status is healthy (at most $2 seconds).
wait_healthy() {
    local c=$1 limit=$2 t=0 s
    while [ "$t" -lt "$limit" ]; do
        s=$("$ENGINE" inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$c" 2>/dev/null)
        [ "$s" = healthy ] && return 0
        sleep 2
        t=$((t + 2))
    done
    echo "#   $c: health '$s' after ${limit}s; last probes and logs:" >&2
    "$ENGINE" inspect -f '{{if .State.Health}}{{range .State.Health.Log}}{{.ExitCode}} {{.Output}}{{end}}{{end}}' "$c" >&2
    "$ENGINE" logs --tail 20 "$c" >&2
    return 1
}
# Retries a command for up to $1 seconds.
retry() {
    local limit=$1 t=0
    shift
    until "$@"; do
        [ "$t" -ge "$limit" ] && return 1
        sleep 2
        t=$((t + 2))
    done
}
# The WebFinger answer and the actor document for acct:$2@$DOMAIN, fetched by the command $1
# (curl's arguments follow it) from base URL $3, name every link with https://$DOMAIN/.
check_ids() {
    local fetch=$1 user=$2 base=$3 wf actor href
    wf=$($fetch "$base/.well-known/webfinger?resource=acct:$user@$DOMAIN") || {
        bad "WebFinger acct:$user@$DOMAIN answers"
        return
    }
    check "WebFinger subject is acct:$user@$DOMAIN" \
        test "$(echo "$wf" | json 'd["subject"]')" = "acct:$user@$DOMAIN"
    href=$(echo "$wf" | json '[l["href"] for l in d["links"] if l.get("rel") == "self"][0]')
    check "WebFinger self link $href is https://$DOMAIN/..." test "${href#"https://$DOMAIN/"}" != "$href"
    actor=$($fetch -H 'Accept: application/activity+json' "$base${href#"https://$DOMAIN"}") || {
        bad "actor document $href answers"
        return
    }
    check "actor id is the WebFinger self link" test "$(echo "$actor" | json 'd["id"]')" = "$href"
    check "actor inbox, outbox, followers and key ids are https://$DOMAIN/..." \
        test "$(echo "$actor" | json "all(str(v).startswith('https://$DOMAIN/') for v in [d['inbox'], d['outbox'], d['followers'], d['publicKey']['id'], d['publicKey']['owner']])")" = True
}
fetch_plain() { curl -fsS "$@"; }
# Through Caddy: its local CA's root, and the test domain resolved to 127.0.0.1.
fetch_tls() {
    curl -fsS --cacert "$tmp/caddy-root.crt" --resolve "$DOMAIN:$HTTPS_PORT:127.0.0.1" \
        --resolve "$DOMAIN:$HTTP_PORT:127.0.0.1" "$@"
}
fetch_systemd() { "$ENGINE" exec passerelle-check-systemd-run curl -fsS "$@"; }

# ---------------------------------------------------------------------------------------------
say "engine"
if ! "$ENGINE" info >/dev/null 2>&1; then
    bad "$ENGINE answers (is the daemon running?)"
    finish
fi
ok "$ENGINE $("$ENGINE" version --format '{{.Server.Version}}') answers"
if ! "$ENGINE" compose version >/dev/null 2>&1; then
    bad "$ENGINE compose is installed"
    finish
fi
ok "$("$ENGINE" compose version)"

say "base images"
need_standins=0
declare -A base=([rust]=rust:1.95-bookworm [debian]=debian:bookworm-slim [postgres]=postgres:16 [caddy]=caddy:2)
for k in rust debian postgres caddy; do
    if "$ENGINE" image inspect "${base[$k]}" >/dev/null 2>&1 \
        || timeout 120 "$ENGINE" pull -q "${base[$k]}" >/dev/null 2>&1; then
        say "  ${base[$k]}: the official image"
    else
        base[$k]=passerelle-standin/$k:bookworm
        need_standins=1
        say "  ${base[$k]}: stand-in (no registry reachable)"
    fi
done
if [ "$need_standins" = 1 ]; then
    check "stand-in base images built (deploy/standin/build.sh)" env ENGINE="$ENGINE" deploy/standin/build.sh
fi

# ---------------------------------------------------------------------------------------------
say "image (deploy/Containerfile)"
if [ "$BUILD" = 1 ]; then
    t0=$(date +%s)
    if nice -n 10 "$ENGINE" build -f deploy/Containerfile --build-arg "RUST_IMAGE=${base[rust]}" \
        --build-arg "RUNTIME_IMAGE=${base[debian]}" -t "$IMAGE" . >"$tmp/build.log" 2>&1; then
        ok "image built in $(($(date +%s) - t0)) s"
    else
        tail -30 "$tmp/build.log"
        bad "image builds"
        finish
    fi
elif ! "$ENGINE" image inspect "$IMAGE" >/dev/null 2>&1; then
    bad "--no-build: $IMAGE exists"
    finish
fi
size=$("$ENGINE" image inspect -f '{{.Size}}' "$IMAGE")
check "image is small: $((size / 1000000)) MB (limit $MAX_IMAGE_MB MB)" test "$size" -lt $((MAX_IMAGE_MB * 1000000))
check "final stage has no build tools (multi-stage)" \
    "$ENGINE" run --rm --entrypoint sh "$IMAGE" -c '! command -v cargo && ! command -v rustc && ! command -v cc'
user=$("$ENGINE" image inspect -f '{{.Config.User}}' "$IMAGE")
check "image runs as a non-root user ($user)" test -n "$user" -a "${user%%:*}" != 0 -a "${user%%:*}" != root
check "image has a HEALTHCHECK" test -n "$("$ENGINE" image inspect -f '{{if .Config.Healthcheck}}{{.Config.Healthcheck.Test}}{{end}}' "$IMAGE")"
check "passerelle --version runs in the image" "$ENGINE" run --rm "$IMAGE" --version

# ---------------------------------------------------------------------------------------------
say "the image alone: SQLite by default"
"$ENGINE" rm -f -v "$SOLO" >/dev/null 2>&1
"$ENGINE" volume rm "$SOLO" >/dev/null 2>&1
"$ENGINE" run -d --name "$SOLO" -v "$SOLO:/var/lib/passerelle/data" -p 127.0.0.1::8080 \
    -e "PASSERELLE__INSTANCE__DOMAIN=$DOMAIN" "$IMAGE" >/dev/null
if wait_healthy "$SOLO" 120; then ok "container health turns healthy"; else bad "container health turns healthy"; fi
port=$("$ENGINE" port "$SOLO" 8080/tcp | head -n 1 | sed 's/.*://')
solo=http://127.0.0.1:$port
check "GET /healthz answers 200" curl -fsS -o /dev/null "$solo/healthz"
check "GET /readyz answers 200" curl -fsS -o /dev/null "$solo/readyz"
check "the server process runs as uid 10001" \
    test "$("$ENGINE" exec "$SOLO" sh -c "awk '/^Uid:/ {print \$2}' /proc/1/status")" = 10001
check "the SQLite database is data/passerelle.db in the volume, owned by the service user" \
    "$ENGINE" exec "$SOLO" sh -c 'test -s data/passerelle.db && test "$(stat -c %u data/passerelle.db)" = 10001'
check "log lines are JSON" sh -c "$ENGINE logs $SOLO 2>&1 | head -n 1 | python3 -c 'import json,sys; json.loads(sys.stdin.readline())'"
check "passerelle org create (in the container)" \
    "$ENGINE" exec "$SOLO" passerelle org create check-org --name "Check organisation" --language en
check_ids fetch_plain check-org "$solo"
check_ids fetch_plain instance "$solo"
"$ENGINE" restart -t 30 "$SOLO" >/dev/null
if wait_healthy "$SOLO" 120; then ok "healthy again after a restart"; else bad "healthy again after a restart"; fi
port=$("$ENGINE" port "$SOLO" 8080/tcp | head -n 1 | sed 's/.*://')
check "the organisation survives the restart (volume)" \
    curl -fsS -o /dev/null "http://127.0.0.1:$port/.well-known/webfinger?resource=acct:check-org@$DOMAIN"
t0=$(date +%s)
"$ENGINE" stop -t 30 "$SOLO" >/dev/null
check "SIGTERM stops it cleanly within 10 s (exit status $("$ENGINE" inspect -f '{{.State.ExitCode}}' "$SOLO"))" \
    test "$("$ENGINE" inspect -f '{{.State.ExitCode}}' "$SOLO")" = 0 -a $(($(date +%s) - t0)) -le 10

# ---------------------------------------------------------------------------------------------
say "compose: PostgreSQL, Passerelle and Caddy at https://$DOMAIN/"
for p in "$HTTP_PORT" "$HTTPS_PORT"; do
    if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$p/" 2>/dev/null || [ $? -ne 7 ]; then
        bad "port $p on 127.0.0.1 is free (set CHECK_HTTP_PORT / CHECK_HTTPS_PORT)"
        finish
    fi
done
cat >"$tmp/env" <<EOF
PASSERELLE_DOMAIN=$DOMAIN
PASSERELLE_NAME=Passerelle check
PASSERELLE_LANGUAGE=fr
POSTGRES_PASSWORD=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
PASSERELLE_IMAGE=$IMAGE
POSTGRES_IMAGE=${base[postgres]}
CADDY_IMAGE=${base[caddy]}
CADDY_HTTP_PORT=127.0.0.1:$HTTP_PORT
CADDY_HTTPS_PORT=127.0.0.1:$HTTPS_PORT
EOF
# A test domain gets no certificate from a public CA: the shipped Caddyfile is imported as it
# is, under a global option that makes Caddy's own local CA issue every certificate instead.
cat >"$tmp/Caddyfile.check" <<'EOF'
{
	local_certs
	skip_install_trust
}
import /etc/caddy/Caddyfile
EOF
cat >"$tmp/check.yaml" <<EOF
services:
  caddy:
    volumes:
      - $tmp/Caddyfile.check:/etc/caddy/Caddyfile.check:ro
    command: ["caddy", "run", "--config", "/etc/caddy/Caddyfile.check", "--adapter", "caddyfile"]
EOF
check "compose file is valid" compose config -q
if compose up -d --no-build >"$tmp/up.log" 2>&1; then ok "compose up"; else cat "$tmp/up.log"; bad "compose up"; finish; fi
cid() { compose ps -q "$1"; }
if wait_healthy "$(cid db)" 120; then ok "db healthy"; else bad "db healthy"; fi
if wait_healthy "$(cid passerelle)" 180; then ok "passerelle healthy (on PostgreSQL)"; else bad "passerelle healthy (on PostgreSQL)"; fi
check "passerelle's schema is in PostgreSQL" test "$(compose exec -T db psql -U passerelle -d passerelle -Atc \
    "select count(*) > 5 from information_schema.tables where table_schema = 'public'")" = t
check "no SQLite file beside the uploads" compose exec -T passerelle sh -c '! test -e data/passerelle.db'
check "passerelle org create (compose exec)" \
    compose exec -T passerelle passerelle org create check-org --name "Check organisation" --language fr
retry 60 sh -c "$ENGINE exec $(cid caddy) cat /data/caddy/pki/authorities/local/root.crt > $tmp/caddy-root.crt 2>/dev/null && test -s $tmp/caddy-root.crt"
base_url=https://$DOMAIN
[ "$HTTPS_PORT" = 443 ] || base_url=https://$DOMAIN:$HTTPS_PORT
if retry 60 fetch_tls -o /dev/null "$base_url/readyz"; then
    ok "$base_url/readyz through Caddy, with a certificate for $DOMAIN"
else
    fetch_tls -v -o /dev/null "$base_url/readyz" 2>&1 | tail -15
    compose logs --tail 30 caddy
    bad "$base_url/readyz through Caddy, with a certificate for $DOMAIN"
fi
check_ids fetch_tls check-org "$base_url"
check_ids fetch_tls instance "$base_url"
check "NodeInfo links are https://$DOMAIN/..." test "$(fetch_tls "$base_url/.well-known/nodeinfo" |
    json "all(l['href'].startswith('https://$DOMAIN/') for l in d['links'])")" = True
gzipped_home() { fetch_tls -o /dev/null -D - -H 'Accept-Encoding: gzip' "$base_url/" | grep -qi '^content-encoding: gzip'; }
check "the home page is served gzip-encoded" gzipped_home
check "/metrics is 404 through Caddy" test "$(fetch_tls -o /dev/null -w '%{http_code}' "$base_url/metrics")" = 404
check "/metrics answers on the container's loopback" compose exec -T passerelle curl -fsS -o /dev/null http://127.0.0.1:8080/metrics
if [ "$HTTP_PORT" = 80 ]; then
    check "http://$DOMAIN/... redirects to https://$DOMAIN/..." test "$(fetch_tls -o /dev/null -w '%{redirect_url}' \
        "http://$DOMAIN/o/check-org")" = "https://$DOMAIN/o/check-org"
fi
# Per-address limits see the real client: Caddy replaces a client's own X-Forwarded-For with the
# client's address, and Passerelle believes Caddy's (http.trusted_proxies in compose.yaml).
# POST /api/v1/reports allows moderation.report_burst (5) per address, then answers 429.
report_status() { fetch_tls -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' "$@" -d '{}' "$base_url/api/v1/reports"; }
codes=""
for _ in 1 2 3 4 5 6; do codes="$codes $(report_status)"; done
check "reports through Caddy: the 6th from one client is refused (got$codes)" \
    sh -c "echo '$codes' | awk '{ exit !(\$5 != 429 && \$6 == 429) }'"
check "a forged X-Forwarded-For sent to Caddy does not escape that limit" test "$(report_status -H 'X-Forwarded-For: 198.51.100.77')" = 429
inner_codes=$(compose exec -T passerelle sh -c 'for i in 1 2 3 4 5 6; do
    curl -s -o /dev/null -w "%{http_code} " -X POST -H "Content-Type: application/json" \
        -H "X-Forwarded-For: 198.51.100.$i" -d "{}" "http://$(hostname -i | cut -d" " -f1):8080/api/v1/reports"; done')
check "X-Forwarded-For from a container address is believed: 6 clients, none refused (got $inner_codes)" \
    sh -c "test \$(echo '$inner_codes' | wc -w) = 6 && ! echo '$inner_codes' | grep -q 429"
check "a separate worker starts (--profile worker)" compose --profile worker up -d --no-build worker
sleep 10
check "the worker keeps running" test "$("$ENGINE" inspect -f '{{.State.Running}} {{.RestartCount}}' "$(cid worker)")" = "true 0"
pg_backup() { compose exec -T db pg_dump -U passerelle --format=custom passerelle >"$tmp/backup.dump" && test -s "$tmp/backup.dump"; }
check "the pg_dump backup of docs/deploy.md writes a dump" pg_backup
# shellcheck disable=SC2046 # one argument per container id
check "no container restarted" test -z "$("$ENGINE" inspect -f '{{.Name}} {{.RestartCount}}' $(compose ps -q) | awk '$2 != 0')"

# ---------------------------------------------------------------------------------------------
say "systemd units"
if command -v systemd-analyze >/dev/null; then
    root=$tmp/sysroot
    mkdir -p "$root/usr/local/bin" "$root/etc/systemd/system" "$root/usr/lib/systemd"
    cp -a /lib/systemd/system "$root/usr/lib/systemd/"
    printf '#!/bin/sh\n' >"$root/usr/local/bin/passerelle"
    chmod +x "$root/usr/local/bin/passerelle"
    cp deploy/passerelle.service deploy/passerelle-worker@.service "$root/etc/systemd/system/"
    for u in passerelle.service passerelle-worker@1.service; do
        check "systemd-analyze verify $u: no warnings" \
            sh -c "out=\$(systemd-analyze verify --root='$root' $u 2>&1); echo \"\$out\"; test -z \"\$out\""
    done
    check "units run 'passerelle serve' and 'passerelle worker' from /usr/local/bin as user passerelle" sh -c '
        grep -qx "ExecStart=/usr/local/bin/passerelle --config /etc/passerelle/passerelle.toml serve" deploy/passerelle.service &&
        grep -qx "ExecStart=/usr/local/bin/passerelle --config /etc/passerelle/passerelle.toml worker" deploy/passerelle-worker@.service &&
        grep -qx "User=passerelle" deploy/passerelle.service && grep -qx "User=passerelle" deploy/passerelle-worker@.service'
else
    say "systemd-analyze not installed: units not verified"
fi

# ---------------------------------------------------------------------------------------------
say "systemd units under systemd, in a container: docs/deploy.md part B, steps 2 to 5 and 7"
# A Debian with systemd as PID 1 and PostgreSQL; the binary is the one from the image.
SD=passerelle-check-systemd-run
cat >"$tmp/systemd.Containerfile" <<EOF
FROM ${base[debian]}
RUN apt-get update && apt-get install -y --no-install-recommends systemd systemd-sysv dbus \
    postgresql ca-certificates curl procps && rm -rf /var/lib/apt/lists/*
STOPSIGNAL SIGRTMIN+3
CMD ["/sbin/init"]
EOF
"$ENGINE" rm -f -v "$SD" >/dev/null 2>&1
mkdir -p "$tmp/sd"
if nice -n 10 "$ENGINE" build -q -f "$tmp/systemd.Containerfile" -t passerelle-check-systemd "$tmp/sd" >/dev/null &&
    "$ENGINE" run -d --name "$SD" --cap-add SYS_ADMIN --security-opt seccomp=unconfined \
        --security-opt apparmor=unconfined --cgroupns=host -v /sys/fs/cgroup:/sys/fs/cgroup:rw \
        --tmpfs /run --tmpfs /run/lock passerelle-check-systemd >/dev/null &&
    retry 60 sh -c "$ENGINE exec $SD systemctl is-system-running 2>/dev/null | grep -Eq 'running|degraded'"; then
    ok "a container with systemd as PID 1 runs"
    "$ENGINE" create --name "$SD-bin" "$IMAGE" >/dev/null
    "$ENGINE" cp "$SD-bin:/usr/local/bin/passerelle" "$tmp/sd/passerelle"
    "$ENGINE" rm -v "$SD-bin" >/dev/null
    "$ENGINE" cp "$tmp/sd/passerelle" "$SD:/usr/local/bin/passerelle"
    "$ENGINE" exec "$SD" mkdir -p /opt/passerelle/deploy /opt/passerelle/config
    for f in deploy/passerelle.service deploy/passerelle-worker@.service config/production.example.toml; do
        "$ENGINE" cp "$f" "$SD:/opt/passerelle/$f"
    done
    # The guide's commands, in its order (sudo replaced by runuser, $EDITOR by sed).
    check "the guide's steps 2-5 (user, PostgreSQL, configuration, service)" \
        "$ENGINE" exec -e "DOMAIN=$DOMAIN" "$SD" bash -euc '
        cd /opt/passerelle
        useradd --system --home-dir /var/lib/passerelle --create-home --shell /usr/sbin/nologin passerelle
        install -d -m 0750 -o root -g passerelle /etc/passerelle
        PW=$(openssl rand -base64 32 | tr -d "/+=")
        runuser -u postgres -- psql -q -c "CREATE ROLE passerelle LOGIN PASSWORD '"'"'$PW'"'"'"
        runuser -u postgres -- createdb --owner=passerelle passerelle
        echo "PASSERELLE__DATABASE__URL=postgres://passerelle:$PW@127.0.0.1:5432/passerelle" > /etc/passerelle/env
        chmod 0640 /etc/passerelle/env && chgrp passerelle /etc/passerelle/env
        cp config/production.example.toml /etc/passerelle/passerelle.toml
        sed -i "s/^domain = .*/domain = \"$DOMAIN\"/" /etc/passerelle/passerelle.toml
        chgrp passerelle /etc/passerelle/passerelle.toml && chmod 0640 /etc/passerelle/passerelle.toml
        cp deploy/passerelle.service /etc/systemd/system/
        systemctl daemon-reload && systemctl enable --now passerelle'
    check "passerelle.service answers /readyz on 127.0.0.1:8080" \
        retry 60 "$ENGINE" exec "$SD" curl -fsS -o /dev/null http://127.0.0.1:8080/readyz
    check "it runs as user passerelle, with no new privileges and a system call filter" \
        "$ENGINE" exec "$SD" bash -c 'pid=$(systemctl show -p MainPID --value passerelle)
            test "$(ps -o user= -p "$pid")" = passerelle &&
            grep -Eq "^NoNewPrivs:\s+1" /proc/$pid/status && grep -Eq "^Seccomp:\s+2" /proc/$pid/status'
    check "the guide's step 7: passerelle org create as user passerelle" \
        "$ENGINE" exec "$SD" bash -c 'cd /var/lib/passerelle; set -a; . /etc/passerelle/env; set +a
            runuser -u passerelle -- passerelle --config /etc/passerelle/passerelle.toml \
                org create check-org --name "Check organisation" --language fr'
    check_ids fetch_systemd check-org "http://127.0.0.1:8080"
    check "passerelle-worker@1.service starts and keeps running" \
        "$ENGINE" exec "$SD" bash -c 'cp /opt/passerelle/deploy/passerelle-worker@.service /etc/systemd/system/ &&
            systemctl daemon-reload && systemctl enable --now passerelle-worker@1 && sleep 8 &&
            systemctl is-active -q passerelle-worker@1 &&
            test "$(systemctl show -p NRestarts --value passerelle-worker@1)" = 0'
    check "systemctl stop: both stop cleanly" \
        "$ENGINE" exec "$SD" bash -c 'systemctl stop passerelle passerelle-worker@1 &&
            test "$(systemctl show -p Result --value passerelle)" = success &&
            test "$(systemctl show -p Result --value passerelle-worker@1)" = success'
    "$ENGINE" exec "$SD" journalctl -u passerelle -u passerelle-worker@1 --no-pager >"$tmp/journal.log" 2>&1
    if [ "$failed" -gt 0 ]; then tail -20 "$tmp/journal.log"; fi
else
    bad "a container with systemd as PID 1 runs (needs CAP_SYS_ADMIN and the host's cgroups)"
fi
"$ENGINE" rm -f -v "$SD" >/dev/null 2>&1

finish
