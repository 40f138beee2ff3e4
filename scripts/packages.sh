# Debian packages Seva needs, sourced by scripts/run and scripts/test.
# Runtime: speech recognition (PocketSphinx + US English model), MP3 encoding (LAME) and decoding
# of uploaded MP3s (mpg123), translation of broadcasts (Apertium and its language pairs) and
# speech for listeners (espeak-ng).
RUNTIME_PACKAGES=(libpocketsphinx3 pocketsphinx-en-us libmp3lame0 libmpg123-0 espeak-ng apertium apertium-eng-spa apertium-fr-es apertium-es-pt apertium-spa-ita)
# Tests: flite speaks sentences with known words, mpg123 decodes stored MP3s, pocketsphinx gives the
# raw engine (pocketsphinx_continuous) to compare against and pocketsphinx-testdata real speech for
# the benchmark's accuracy mode, chromium runs the browser tests
# (driven by Playwright, never a downloaded browser), postgresql gives the throwaway database
# server of the storage tests and nodejs runs their S3-compatible server (s3rver, from npm).
TEST_PACKAGES=(flite mpg123 pocketsphinx pocketsphinx-testdata chromium postgresql nodejs)

# Installs whatever of the given packages is missing, with sudo when not root.
ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "The .NET 10 SDK is missing: install it (https://learn.microsoft.com/dotnet/core/install/linux-debian), then run this again." >&2
    exit 1
  fi
}

# npm comes with some Node.js builds and is a separate Debian package for others.
ensure_npm() {
  command -v npm >/dev/null 2>&1 || ensure_packages npm
}
