#!/usr/bin/env bash
# Proof that the README's first command works on a fresh checkout: clone this
# repository into a temporary directory, run `make run` there on a free port, wait
# for http://127.0.0.1:PORT/login and check that it is the Chinese login page.
# Exit 0 when it is, 1 otherwise.  SMOKE_TIMEOUT (seconds, default 300) bounds the
# wait, which includes creating the virtual environment and installing.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
timeout=${SMOKE_TIMEOUT:-300}
python=${PYTHON:-python3}
work=$(mktemp -d "${TMPDIR:-/tmp}/zc-smoke-XXXXXX")
log="$work/make-run.log"
server=""

cleanup() {
    if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
        kill -TERM -- "-$server" 2>/dev/null
        sleep 1
        kill -KILL -- "-$server" 2>/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT

port=${PORT:-$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}

git clone -q "$repo" "$work/zhongchuang" || { echo "smoke: git clone failed" >&2; exit 1; }
cd "$work/zhongchuang"

# Own process group, so that make, the server and its children stop together.
set -m
env -u DATABASE_URL -u ZHONGCHUANG_INSTANCE -u ZHONGCHUANG_JURISDICTIONS \
    make run PORT="$port" PYTHON="$python" >"$log" 2>&1 </dev/null &
server=$!
set +m

page="$work/login.html"
deadline=$((SECONDS + timeout))
while [ $SECONDS -lt $deadline ]; do
    if ! kill -0 "$server" 2>/dev/null; then
        echo "smoke: make run stopped before serving; its output:" >&2
        tail -n 40 "$log" >&2
        exit 1
    fi
    "$python" - "http://127.0.0.1:$port/login" "$page" <<'PY' 2>/dev/null
import sys, urllib.error, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=5) as r:
        open(sys.argv[2], "wb").write(r.read())
except urllib.error.HTTPError as e:  # the server answers, but not with the page
    open(sys.argv[2], "wb").write(f"HTTP {e.code}\n".encode() + e.read())
    sys.exit(3)
except OSError:  # not listening yet
    sys.exit(1)
PY
    status=$?
    if [ $status -eq 3 ]; then
        echo "smoke: /login answered with an error:" >&2
        head -c 2000 "$page" >&2
        exit 1
    fi
    if [ $status -eq 0 ]; then
        if grep -q "登录" "$page" && grep -q "众创空间" "$page"; then
            echo "smoke: make run serves the Chinese login page on port $port"
            exit 0
        fi
        echo "smoke: /login answered but lacks 登录 / 众创空间:" >&2
        head -c 2000 "$page" >&2
        exit 1
    fi
    sleep 2
done
echo "smoke: no answer from http://127.0.0.1:$port/login within ${timeout}s; make run output:" >&2
tail -n 40 "$log" >&2
exit 1
