#!/usr/bin/env bash
# One command from a fresh Debian 12 machine with Node 20 (as root) to a first MP4:
# installs the system packages (Chromium, ffmpeg, fonts, Redis for the farm tests, Ruby for the
# post-publish hook tests (BBB runs its hooks with Ruby), podman for the
# image tests), the npm packages, builds, and records the bundled sample recording to out/sample.mp4.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

packages=(chromium ffmpeg fonts-dejavu-core fonts-liberation2 redis-server ruby)
if [[ $(id -u) -eq 0 ]]; then
  missing=()
  for p in "${packages[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
  if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  # Container engine for the Docker image tests: this workplace's helper makes podman and local
  # base images; elsewhere podman from Debian pulls the base images from Docker Hub.
  if [[ -x ../shared/tools/container-setup ]]; then
    bash ../shared/tools/container-setup
  elif ! command -v podman >/dev/null && ! command -v docker >/dev/null; then
    apt-get install -y -qq podman >/dev/null
  fi
else
  echo "setup: not root, not installing system packages (need: ${packages[*]})" >&2
fi

# Exactly the versions and hashes in package-lock.json (npm ci refuses a lock that disagrees with
# package.json rather than quietly re-resolving).
npm ci --no-audit --no-fund
npm run build

sample=$(ls -d examples/sample-recording/*/ | head -1)
mkdir -p out
node bin/bbb-capture.js record "$sample" -o out/sample.mp4
# The fidelity meter's report on it (the tests hold captures to the targets; here it is information).
node bin/bbb-capture.js verify out/sample.mp4 --recording "$sample" > out/sample-fidelity.json
node -e '
  const r = JSON.parse(require("fs").readFileSync("out/sample-fidelity.json", "utf8"));
  const cam = r.cameras[0] || {};
  console.log(`setup: out/sample.mp4: ${r.durationMs} ms (expected ${r.expectedDurationMs}), webcam frames delivered ${(100 * cam.deliveredRatio).toFixed(1)} %, A/V ${r.avSyncMs} ms, leading ${r.leadingMs} ms, end error ${r.end.endErrorMs} ms (report: out/sample-fidelity.json)`);
'
