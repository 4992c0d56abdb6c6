#!/usr/bin/env bash
# Serves the demo: the local Helper-compatible API on 127.0.0.1:8081 and `trunk serve` of
# index.html on http://127.0.0.1:8080 (Trunk proxies /api to the server). Installs whatever is
# missing first. Extra arguments go to the server (see `cargo run -p helper-dev-server -- --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --build
source scripts/env.sh

cargo build -p helper-dev-server
# Wherever cargo builds (a CARGO_TARGET_DIR of the developer's, or target/).
target=${CARGO_TARGET_DIR:-target}
# Realtime goes straight to the server: Trunk's proxy passes neither websockets nor the Host the
# server would derive the session's supabaseUrl from.
realtime=(--supabase-url http://127.0.0.1:8081)
case " $* " in *" --supabase-url"* | *" --no-realtime "*) realtime=() ;; esac
# The demo's stand-in for a support team: after the AI hands a conversation to a human, a staff
# member types for a few seconds and then replies, live in the open panel.
staff=(--staff-reply-after-ms 6000)
case " $* " in *" --staff-reply-after-ms"*) staff=() ;; esac
"$target/debug/helper-dev-server" --addr 127.0.0.1:8081 "${realtime[@]}" "${staff[@]}" "$@" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT INT TERM

echo "Demo: http://127.0.0.1:8080/  (API: http://127.0.0.1:8081)"
# Its own output directory, so serving (a debug build) never replaces a release dist/.
trunk serve --open=false --dist "$target/serve-dist"
