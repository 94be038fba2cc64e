#!/usr/bin/env bash
# Lighthouse (pinned in package.json) in Debian's Chromium on the main public pages of the
# site bench/weight.py serves as in production (gunicorn on loopback, DEBUG off, hashed and
# compressed static files, demo data in a throwaway SQLite file). Prints the four scores of
# each page; the JSON reports go to var/bench/lighthouse/<nn>-<page>.<form factor>.run<n>.json,
# and the scores to summary.json beside them.
#
#   bench/lighthouse.sh              # mobile: Lighthouse's default (a mid-range phone on a
#                                    # slow 4G link, simulated): the case of slow connections
#   bench/lighthouse.sh --desktop    # the desktop preset as well
#   LIGHTHOUSE_RUNS=3 bench/lighthouse.sh   # each page N times, the median run kept
#
# No network is needed: the only addresses Lighthouse opens are the site's on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
python=$repo/.venv/bin/python
lighthouse=$repo/node_modules/.bin/lighthouse
out=$repo/var/bench/lighthouse
runs=${LIGHTHOUSE_RUNS:-1}
factors=(mobile)
if [ "${1:-}" = "--desktop" ]; then
    factors=(mobile desktop)
fi

[ -x "$lighthouse" ] || { echo "$lighthouse is missing: run \`make assets\` (npm install)." >&2; exit 1; }
[ -x /usr/bin/chromium ] || { echo "/usr/bin/chromium is missing: apt-get install chromium." >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/soscience-lighthouse.XXXXXX")
server=""
stop() {
    if [ -n "$server" ]; then
        kill -TERM "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "Starting the site (migrate, demo data, collectstatic, gunicorn)..."
"$python" bench/weight.py --serve "$work/urls.tsv" &
server=$!
for _ in $(seq 600); do
    [ -s "$work/urls.tsv" ] && break
    kill -0 "$server" 2>/dev/null || { echo "bench/weight.py --serve stopped." >&2; exit 1; }
    sleep 0.2
done
[ -s "$work/urls.tsv" ] || { echo "The site did not start within 2 minutes." >&2; exit 1; }

mkdir -p "$out"
rm -f "$out"/*.json
# The browser tests' flags (tests/browser/conftest.py); no background traffic to Google.
chrome_flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
chrome_flags+=" --disable-background-networking --disable-component-update --disable-sync"
chrome_flags+=" --no-first-run --disable-quic --lang=fr-FR"
index=0
while IFS=$'\t' read -r name url; do
    # Numbered so that the reports sort in the order of the pages.
    index=$((index + 1))
    slug=$(printf '%02d-%s' "$index" "${name// /-}")
    for factor in "${factors[@]}"; do
        preset=()
        if [ "$factor" = desktop ]; then preset=(--preset=desktop); fi
        for run in $(seq "$runs"); do
            echo "  $name ($factor, run $run/$runs): $url"
            # Lighthouse sometimes fails to record Chromium's trace (NO_NAVSTART, "please run
            # Lighthouse again"): such a run is tried once more, never counted.
            for attempt in 1 2; do
                if CHROME_PATH=/usr/bin/chromium "$lighthouse" "$url" "${preset[@]}" --quiet \
                    --chrome-flags="$chrome_flags" \
                    --only-categories=performance,accessibility,best-practices,seo \
                    --throttling-method=simulate --no-enable-error-reporting \
                    --output=json --output-path="$out/$slug.$factor.run$run.json"; then
                    break
                fi
                [ "$attempt" = 2 ] && exit 1
                echo "    Lighthouse failed on this run: once more"
            done
        done
    done
done <"$work/urls.tsv"

"$python" bench/lighthouse/scores.py "$out"
