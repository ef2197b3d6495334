#!/usr/bin/env bash
# Build the desktop app with PyInstaller (build.spec: one folder, windowed), print its size and build time,
# then run the built app's self-test offscreen. Exits non-zero if the build or any self-test step fails.
#
#   bash scripts/build_app.sh            -> dist/Caseworker/ (Linux, Windows) or dist/Caseworker.app (macOS)
#
# Env: PYTHON (default .venv/bin/python, else python3), DIST_DIR / WORK_DIR (default dist/ and build/),
#      MAX_SIZE_MB (default 400: the built folder must stay under it).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${PYTHON:-}" ]; then
  if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python
  elif [ -x .venv/Scripts/python.exe ]; then PYTHON=.venv/Scripts/python.exe
  else PYTHON=python3; fi
fi
DIST_DIR="${DIST_DIR:-dist}"
WORK_DIR="${WORK_DIR:-build}"
MAX_SIZE_MB="${MAX_SIZE_MB:-400}"

if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
  echo "build_app: installing pyinstaller into $("$PYTHON" -c 'import sys; print(sys.prefix)')"
  "$PYTHON" -m pip install -q "pyinstaller>=6.10"
fi
APP_NAME="$("$PYTHON" -c 'from caseworker import APP_NAME; print(APP_NAME)')"
VERSION="$("$PYTHON" -c 'from caseworker import __version__; print(__version__)')"
EXE_NAME="$(echo "$APP_NAME" | tr '[:upper:]' '[:lower:]')"

echo "build_app: $APP_NAME $VERSION with $("$PYTHON" -m PyInstaller --version | head -1 | sed 's/^/PyInstaller /')"
start=$(date +%s)
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$DIST_DIR" --workpath "$WORK_DIR" build.spec
build_seconds=$(( $(date +%s) - start ))

case "$(uname -s)" in
  Darwin) app_dir="$DIST_DIR/$APP_NAME.app"; exe="$app_dir/Contents/MacOS/$EXE_NAME" ;;
  MINGW*|MSYS*|CYGWIN*) app_dir="$DIST_DIR/$APP_NAME"; exe="$app_dir/$EXE_NAME-cli.exe" ;;
  *) app_dir="$DIST_DIR/$APP_NAME"; exe="$app_dir/$EXE_NAME" ;;
esac
if [ ! -x "$exe" ]; then
  echo "build_app: FAILED: $exe was not built" >&2
  exit 1
fi

size_mb=$(du -sm "$app_dir" | cut -f1)
files=$(find "$app_dir" -type f | wc -l | tr -d ' ')
echo "build_app: built $app_dir in ${build_seconds} s: ${size_mb} MB in ${files} files (limit ${MAX_SIZE_MB} MB)"
if [ "$size_mb" -ge "$MAX_SIZE_MB" ]; then
  echo "build_app: FAILED: $app_dir is ${size_mb} MB, over the ${MAX_SIZE_MB} MB limit" >&2
  exit 1
fi

# caseworker.cli imports its command groups by name: one missing from the bundle would silently vanish
# from the command line, so the frozen app must list the same commands as the source.
if ! diff <("$PYTHON" -m ui.launcher --help) <(QT_QPA_PLATFORM=offscreen "$exe" --help) >/dev/null; then
  echo "build_app: FAILED: the built app's commands differ from the source's:" >&2
  diff <("$PYTHON" -m ui.launcher --help) <(QT_QPA_PLATFORM=offscreen "$exe" --help) >&2 || true
  exit 1
fi

# The frozen app checks itself in a clean environment: its own temporary profile and settings folders,
# Qt offscreen (no display needed), no PYTHONPATH that could hide a module missing from the bundle.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
echo "build_app: $exe --self-test"
status=0
env -u PYTHONPATH -u PYTHONHOME -u VIRTUAL_ENV -u PYTHON_KEYRING_BACKEND \
  HOME="$scratch/home" XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" \
  XDG_CACHE_HOME="$scratch/cache" CASEWORKER_PROFILE="$scratch/profile" CASEWORKER_CONFIG_DIR="$scratch/settings" \
  QT_QPA_PLATFORM=offscreen \
  "$exe" --self-test || status=$?
if [ "$status" -ne 0 ]; then
  echo "build_app: FAILED: the built app's self-test exited $status" >&2
  exit "$status"
fi
echo "build_app: OK: $app_dir (${size_mb} MB, built in ${build_seconds} s)"
