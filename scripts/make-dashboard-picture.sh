#!/usr/bin/env bash
# Makes docs/dashboard.png: the real `hotdesk` dashboard, run in an 80x24 tmux terminal on a small
# office seeded through the CLI, captured with its colours, turned into HTML (aha) and photographed
# by headless Chromium. Needs: apt-get install tmux aha chromium fonts-dejavu-core; a built checkout.
# Run it again after changing the dashboard, and commit the new picture.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in tmux aha chromium; do
  command -v "$tool" >/dev/null || { echo "$0: $tool not found (apt-get install tmux aha chromium)" >&2; exit 1; }
done
[ -f dist/cli/main.js ] || npm run build >/dev/null

work="$(mktemp -d)"
session="hotdesk-picture-$$"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT
data="$work/data"
hd() { ./bin/hotdesk --data "$data" "$@" >/dev/null; }

hd settings set address 192.168.1.10
pin=4071
for entry in "101:Ada Lovelace" "102:Grace Hopper" "103:Alan Turing" "104:Edsger Dijkstra" \
             "105:Barbara Liskov" "106:Ken Thompson" "107:Margaret Hamilton" "108:Donald Knuth"; do
  number="${entry%%:*}"; name="${entry#*:}"
  hd extension add "$number" --name "$name" --password "k7Qw9xZt3m$number" --pin "$pin" --hotdesk
  pin=$((pin + 1))
done
hd blf set 101 102 103 104
models=(yealink-t54w yealink-t46u poly-vvx450 snom-d735 grandstream-grp2614 fanvil-x5u yealink-t54w snom-d717 poly-vvx250 yealink-t46u)
i=1
for model in "${models[@]}"; do
  hd add-phone --model "$model" --mac "$(printf '00:15:65:10:00:%02x' "$i")"
  i=$((i + 1))
done
hd login 101 --phone HD0001
hd login 102 --phone HD0002
hd login 103 --phone HD0004
hd login 105 --phone HD0006
hd login 107 --phone HD0009

tmux new-session -d -s "$session" -x 80 -y 24 "env FORCE_COLOR=1 TERM=xterm-256color ./bin/hotdesk --data '$data'"
sleep 3
tmux send-keys -t "$session" Down Down
sleep 1
tmux capture-pane -t "$session" -e -p > "$work/screen.ansi"

aha --black --title hotdesk < "$work/screen.ansi" |
  sed 's#</head>#<style>body{margin:8px;font-family:"DejaVu Sans Mono",monospace;font-size:15px;line-height:1.25}pre{margin:0}</style></head>#' \
  > "$work/screen.html"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$work/chromium" --hide-scrollbars \
  --window-size=740,520 --screenshot="$PWD/docs/dashboard.png" "file://$work/screen.html" >/dev/null 2>&1
echo "docs/dashboard.png written"
