# Debian packages CTIBridge needs, and a function that installs the missing ones.
# Sourced by scripts/run and scripts/test; .ci/run installs the same list.

CTIBRIDGE_PACKAGES=(
  pkg-config
  libxml2-dev
  libcurl4-openssl-dev
  libmosquitto-dev
  libsqlite3-dev
  mosquitto
  mosquitto-clients
  openssl
  baresip-core
)

# Installs whatever is missing when run as root; otherwise prints the exact apt line and fails.
ensure_packages() {
  local missing=()
  local package
  for package in "${CTIBRIDGE_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$package")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing missing Debian packages: ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  else
    echo "Missing Debian packages. Install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    return 1
  fi
}

# mosquitto lives in /usr/sbin, which is not on every user's PATH.
export PATH="$PATH:/usr/sbin:/sbin"
