#!/usr/bin/env bash
# Sets up everything Neck Coach needs on a fresh machine, and skips whatever is already there:
# Debian packages (when root), the .venv with the project installed, and the Vosk English model.
set -euo pipefail
cd "$(dirname "$0")/.."

MODEL_VERSION=0.3.45
MODEL_SHA256=8a5792fccaf873b4745dbd1b3fe19d8a77a15898e806674020eea820424771cd
MODEL_DIR=models/vosk-model-en-us-$MODEL_VERSION
APT_PACKAGES=(espeak-ng libespeak-ng1 alsa-utils libasound2 libportaudio2 sox unzip maven flite)

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

if [ ! -f "$MODEL_DIR/am/final.mdl" ]; then
    say "fetching the Vosk English model $MODEL_VERSION from Maven Central"
    mkdir -p models/.cache
    aar=models/.cache/vosk-model-en-$MODEL_VERSION.aar
    if [ ! -f "$aar" ]; then
        mvn -B -q dependency:copy \
            -Dartifact=com.alphacephei:vosk-model-en:$MODEL_VERSION:aar \
            -DoutputDirectory=models/.cache
    fi
    echo "$MODEL_SHA256  $aar" | sha256sum -c --quiet - || {
        say "the model archive's checksum does not match; delete $aar and run again"
        exit 1
    }
    rm -rf models/.unpack && mkdir -p models/.unpack
    unzip -q -o "$aar" 'assets/model-en-us/*' -d models/.unpack
    rm -rf "$MODEL_DIR"
    mv models/.unpack/assets/model-en-us "$MODEL_DIR"
    rm -rf models/.unpack
fi
for f in am/final.mdl conf/model.conf conf/mfcc.conf graph/HCLr.fst graph/Gr.fst \
    graph/phones/word_boundary.int ivector/final.ie; do
    [ -f "$MODEL_DIR/$f" ] || { say "model file missing: $MODEL_DIR/$f; delete $MODEL_DIR and run again"; exit 1; }
done
