#!/usr/bin/env bash
# Provisions the MedicalPortal web-node image on Ubuntu 24.04 (noble). Run by Packer (medicalportal.json) as root on
# the bake instance, once. Installs, and configures nothing that depends on an environment: the launch template's user
# data writes the settings, mounts the export EFS, configures the CloudWatch agent and starts the portal at boot.
#
# Environment (set by the Packer template from Rosco's variables and the bake stage's extended attributes):
#   PORTAL_ARTIFACT         s3://bucket/key.tar.gz or https://... : the tarball of
#                           `dotnet publish MedicalPortal.Web -c Release -o out` named by the pipeline's trigger
#   PORTAL_ARTIFACT_SHA256  optional: its SHA-256 (hex); the bake fails on a mismatch
#   PORTAL_VERSION          optional: the version label recorded in /opt/medicalportal/BUILD
#   EFS_UTILS_VERSION       tag of github.com/aws/efs-utils to build (efs-utils has no Ubuntu package)
#   UPLOAD_DIR              where the file provisioners put medicalportal.service, medicalportal-cli and
#                           medicalportal.logrotate
set -euo pipefail

: "${PORTAL_ARTIFACT:?PORTAL_ARTIFACT (s3:// or https:// URL of the published portal tarball) is required}"
: "${EFS_UTILS_VERSION:?EFS_UTILS_VERSION is required}"
: "${UPLOAD_DIR:?UPLOAD_DIR is required}"
PORTAL_ARTIFACT_SHA256="${PORTAL_ARTIFACT_SHA256:-}"
PORTAL_VERSION="${PORTAL_VERSION:-}"

readonly app_dir=/opt/medicalportal
readonly state_dir=/var/lib/medicalportal
readonly log_dir=/var/log/medicalportal
readonly config_dir=/etc/medicalportal
readonly portal_id=2650
# The CloudWatch agent's signing key (AWS documentation, "Verify the signature of the CloudWatch agent package").
readonly cloudwatch_key_fingerprint=937616F3450B7D806CBD9725D58167303B789C72

export DEBIAN_FRONTEND=noninteractive
apt_options=(-y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

log() { printf '==> provision: %s\n' "$*"; }
fail() { printf '==> provision: ERROR: %s\n' "$*" >&2; exit 1; }

work_dir=$(mktemp -d)
cleanup() { rm -rf "$work_dir"; }
trap cleanup EXIT

[[ $EUID -eq 0 ]] || fail "run as root (the Packer template runs this script with sudo)"
# shellcheck source=/dev/null
. /etc/os-release
[[ ${ID:-} == ubuntu && ${VERSION_ID:-} == 24.04 ]] || fail "expected Ubuntu 24.04, found ${PRETTY_NAME:-unknown}"
arch=$(dpkg --print-architecture)
case "$arch" in
  amd64 | arm64) ;;
  *) fail "unsupported architecture $arch" ;;
esac

log "waiting for cloud-init to finish on the bake instance"
cloud-init status --wait >/dev/null || log "cloud-init reported a problem on the bake instance; continuing"

log "updating the base image"
apt-get update -q
apt-get "${apt_options[@]}" dist-upgrade

log "installing the ASP.NET Core 10 runtime (Ubuntu's own package) and base tools"
apt-get "${apt_options[@]}" install --no-install-recommends \
  aspnetcore-runtime-10.0 ca-certificates curl gnupg nfs-common stunnel4 python3 tzdata logrotate
dotnet --list-runtimes | grep -q '^Microsoft\.AspNetCore\.App 10\.' ||
  fail "the ASP.NET Core 10 runtime is not installed"

log "installing the AWS CLI v2 (AWS's snap; held so nodes do not update it behind the image)"
snap wait system seed.loaded
snap install aws-cli --classic
snap refresh --hold aws-cli >/dev/null
ln -sf /snap/bin/aws /usr/local/bin/aws
aws --version 2>&1 | grep -q '^aws-cli/2\.' || fail "the AWS CLI v2 is not installed"

log "building and installing amazon-efs-utils ${EFS_UTILS_VERSION} (no Ubuntu package exists)"
build_packages=(git binutils rustc cargo pkg-config libssl-dev gettext-base)
# Only what this step adds is removed again afterwards (git, for one, is part of the base image).
added_packages=()
for package in "${build_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || added_packages+=("$package")
done
apt-get "${apt_options[@]}" install --no-install-recommends "${build_packages[@]}"
git clone --quiet --depth 1 --branch "$EFS_UTILS_VERSION" https://github.com/aws/efs-utils.git "$work_dir/efs-utils"
(cd "$work_dir/efs-utils" && CARGO_HOME="$work_dir/cargo" ./build-deb.sh >"$work_dir/efs-utils-build.log" 2>&1) ||
  { tail -n 50 "$work_dir/efs-utils-build.log" >&2; fail "building amazon-efs-utils failed"; }
apt-get "${apt_options[@]}" install "$work_dir"/efs-utils/build/amazon-efs-utils*.deb
if [[ ${#added_packages[@]} -gt 0 ]]; then
  apt-get "${apt_options[@]}" purge "${added_packages[@]}"
fi
apt-get "${apt_options[@]}" autoremove --purge
command -v mount.efs >/dev/null || fail "amazon-efs-utils is not installed"

log "installing the Amazon CloudWatch agent (signature checked; not configured, not started)"
cw_base="https://amazoncloudwatch-agent.s3.amazonaws.com"
curl -fsSL --proto '=https' --retry 3 -o "$work_dir/cw.deb" "$cw_base/ubuntu/$arch/latest/amazon-cloudwatch-agent.deb"
curl -fsSL --proto '=https' --retry 3 -o "$work_dir/cw.deb.sig" "$cw_base/ubuntu/$arch/latest/amazon-cloudwatch-agent.deb.sig"
curl -fsSL --proto '=https' --retry 3 -o "$work_dir/cw.gpg" "$cw_base/assets/amazon-cloudwatch-agent.gpg"
export GNUPGHOME="$work_dir/gnupg"
install -d -m 0700 "$GNUPGHOME"
gpg --batch --quiet --import "$work_dir/cw.gpg"
gpg --batch --with-colons --fingerprint | grep -q "^fpr:*${cloudwatch_key_fingerprint}:" ||
  fail "the CloudWatch agent signing key does not have the documented fingerprint"
gpg --batch --quiet --verify "$work_dir/cw.deb.sig" "$work_dir/cw.deb" ||
  fail "the CloudWatch agent package's signature does not verify"
unset GNUPGHOME
apt-get "${apt_options[@]}" install "$work_dir/cw.deb"
[[ -x /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl ]] || fail "the CloudWatch agent is not installed"

log "creating the medicalportal user and folders"
# A fixed uid and gid: every node of every image shares the export EFS, whose files carry numeric owners. A number
# picked by useradd could differ between two bakes and lock the next release out of the last one's exports.
if ! getent group medicalportal >/dev/null; then
  groupadd --system --gid "$portal_id" medicalportal
fi
if ! id medicalportal >/dev/null 2>&1; then
  useradd --system --uid "$portal_id" --gid medicalportal --home-dir "$state_dir" --no-create-home \
    --shell /usr/sbin/nologin medicalportal
fi
[[ $(id -u medicalportal) == "$portal_id" && $(getent group medicalportal | cut -d: -f3) == "$portal_id" ]] ||
  fail "the medicalportal user and group must have the id $portal_id (the export EFS's owner)"
# Whatever user the agent is configured to run as reads the portal's log through the adm group.
if id cwagent >/dev/null 2>&1; then
  usermod -a -G adm cwagent
fi
install -d -m 0750 -o root -g medicalportal "$app_dir"
# The portal's user may enter it for the key ring's certificate (0440, its group); portal.env stays root's (0600).
install -d -m 0750 -o root -g medicalportal "$config_dir"
install -d -m 0750 -o medicalportal -g medicalportal "$state_dir"
# The mount point of the export EFS (Export:Directory); the user data mounts it and hands it to medicalportal.
install -d -m 0750 -o medicalportal -g medicalportal "$state_dir/exports"
install -d -m 0750 -o medicalportal -g adm "$log_dir"
install -m 0640 -o medicalportal -g adm /dev/null "$log_dir/portal.log"

log "fetching the published portal: $PORTAL_ARTIFACT"
tarball="$work_dir/portal.tar.gz"
case "$PORTAL_ARTIFACT" in
  s3://*) aws s3 cp --only-show-errors "$PORTAL_ARTIFACT" "$tarball" ;;
  https://*) curl -fsSL --proto '=https' --retry 3 -o "$tarball" "$PORTAL_ARTIFACT" ;;
  *) fail "PORTAL_ARTIFACT must be an s3:// or https:// URL, not '$PORTAL_ARTIFACT'" ;;
esac
if [[ -n $PORTAL_ARTIFACT_SHA256 ]]; then
  echo "${PORTAL_ARTIFACT_SHA256}  ${tarball}" | sha256sum --check --status ||
    fail "the portal tarball does not have the expected SHA-256"
fi

log "installing the portal into $app_dir"
unpacked="$work_dir/unpacked"
mkdir "$unpacked"
tar --extract --gzip --no-same-owner --no-same-permissions --file "$tarball" --directory "$unpacked"
# `tar -C out .` puts the files at the top; `tar ... out` puts them in one folder: accept both.
published="$unpacked"
if [[ ! -f $published/MedicalPortal.Web.dll ]]; then
  mapfile -t candidates < <(find "$unpacked" -mindepth 2 -maxdepth 2 -name MedicalPortal.Web.dll -printf '%h\n')
  [[ ${#candidates[@]} -eq 1 ]] || fail "the tarball does not hold one published MedicalPortal.Web (MedicalPortal.Web.dll)"
  published="${candidates[0]}"
fi
[[ -f $published/MedicalPortal.Web.runtimeconfig.json ]] ||
  fail "MedicalPortal.Web.runtimeconfig.json is missing: not a framework-dependent publish"
grep -q '"Microsoft.AspNetCore.App"' "$published/MedicalPortal.Web.runtimeconfig.json" ||
  fail "the published portal does not target the ASP.NET Core shared framework"
find "$app_dir" -mindepth 1 -delete
cp -R "$published/." "$app_dir/"
chown -R root:medicalportal "$app_dir"
find "$app_dir" -type d -exec chmod 0750 {} +
find "$app_dir" -type f -exec chmod 0640 {} +
# The unit runs `dotnet MedicalPortal.Web.dll` (IL only, so any CPU architecture); the apphost, when the publish has
# one, stays usable by operators as /opt/medicalportal/MedicalPortal.Web.
if [[ -f $app_dir/MedicalPortal.Web ]]; then
  chmod 0750 "$app_dir/MedicalPortal.Web"
fi
{
  echo "version=${PORTAL_VERSION:-unknown}"
  echo "artifact=${PORTAL_ARTIFACT}"
  echo "sha256=$(sha256sum "$tarball" | cut -d' ' -f1)"
  echo "baked=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >"$app_dir/BUILD"
chown root:medicalportal "$app_dir/BUILD"
chmod 0640 "$app_dir/BUILD"

log "checking that the published portal starts on this runtime (help answers before any configuration is read)"
(cd "$app_dir" && runuser -u medicalportal -- /usr/bin/dotnet "$app_dir/MedicalPortal.Web.dll" migrate --help >/dev/null) ||
  fail "the published portal does not run on this image"

log "installing the systemd unit (not enabled: the user data enables it once the settings exist)"
install -m 0644 -o root -g root "$UPLOAD_DIR/medicalportal.service" /etc/systemd/system/medicalportal.service
install -m 0755 -o root -g root "$UPLOAD_DIR/medicalportal-cli" /usr/local/bin/medicalportal-cli
install -m 0644 -o root -g root "$UPLOAD_DIR/medicalportal.logrotate" /etc/logrotate.d/medicalportal
systemd-analyze verify /etc/systemd/system/medicalportal.service ||
  log "systemd-analyze verify reported the problems above (it also reports on units the portal's depends on)"
systemctl daemon-reload
systemctl disable medicalportal.service >/dev/null 2>&1 || true
[[ $(systemctl is-enabled medicalportal.service 2>/dev/null || true) == disabled ]] ||
  fail "medicalportal.service must be installed but not enabled"

log "cleaning up"
apt-get clean
rm -rf /var/lib/apt/lists/* "$UPLOAD_DIR"
# A fresh machine-id and cloud-init state on every instance started from the image.
cloud-init clean --logs --machine-id
log "done: $(tr '\n' ' ' <"$app_dir/BUILD")"
