# Sourced by the scripts: where the project's npm-installed tools live, first on PATH so that a
# Debian binaryen (wasm-opt 108, which miscompiles) can never be picked up instead.
TOOLS_DIR="${TOOLS_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.tools}"
export TOOLS_DIR
export PATH="$TOOLS_DIR/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
