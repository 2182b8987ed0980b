#!/usr/bin/env bash
# Builds netspot_<version>_<arch>.deb (npm run package:deb) from this tree's source files alone:
# what git tracks plus new files it does not ignore, copied to a temporary directory, so no build
# output, node_modules or local file of the working tree ends up in the package.
#   packaging/build-deb.sh [OUT_DIR]      (default: the repository root)
# Needs: node >= 20 and npm, dpkg-dev, libpcap-dev, g++, make, python3 (the native binding), git.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$(cd "${1:-$repo}" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
src="$work/src"
root="$work/root"
lib="$root/usr/lib/netspot"
share="$root/usr/share/netspot"
doc="$root/usr/share/doc/netspot"
mkdir -p "$src"

# 1. The source files, as a fresh clone with the working tree's edits would have them.
while IFS= read -r -d '' f; do
  [[ -e "$repo/$f" ]] && printf '%s\0' "$f"
done < <(git -C "$repo" ls-files -z --cached --others --exclude-standard) |
  tar -C "$repo" --null -T - -cf - | tar -C "$src" -xf -
cd "$src"
# Man page dates and file times follow the last commit, not the clock (reproducible builds).
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct)}"

# 2. Compile (tsc) and build the native binding for this machine (npm ci runs prepare), with
# Debian's hardening flags (fortify, stack protector, relro, bindnow).
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
CFLAGS="$(dpkg-buildflags --get CPPFLAGS) $(dpkg-buildflags --get CFLAGS)" LDFLAGS="$(dpkg-buildflags --get LDFLAGS)" \
  npm ci --no-audit --no-fund
addon=native/build/Release/netspot_pcap.node
[[ -f "$addon" ]] || { echo "build-deb: the native binding was not built (see the warning above)" >&2; exit 1; }
version="$(node -p 'require("./package.json").version')"
arch="$(dpkg --print-architecture)"

# 3. /usr/lib/netspot: package.json (the version), production dependencies only, the binding,
# and the two programs bundled: one file each instead of ~400 modules to load at every start.
mkdir -p "$lib/native/build/Release" "$lib/dist/src/cli"
cp package.json package-lock.json "$lib/"
(cd "$lib" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund && rm package-lock.json)
rm -f "$lib/node_modules/.package-lock.json"
mkdir -p "$doc"
node packaging/copyright.mjs "$lib/node_modules" > "$doc/copyright"
# What the package does not need at run time (docs, type declarations, source maps).
find "$lib/node_modules" -type f \( -iname '*.md' -o -iname 'LICENSE*' -o -iname 'LICENCE*' -o -iname '*.d.ts' \
  -o -iname '*.d.mts' -o -iname '*.d.cts' -o -name '*.map' -o -name '.npmignore' -o -name '.eslintrc*' -o -name '.prettierrc*' \
  -o -name '.editorconfig' -o -name '.gitattributes' -o -name '.travis.yml' -o -name '.taprc' \) -delete
find "$lib/node_modules" -type f \( -name '*.html' -o -name '*.sh' \) -delete
find "$lib/node_modules" -depth -type d \( -name .github -o -name .vscode -o -name .husky -o -name test -o -name tests \) -exec rm -rf {} +
find "$lib/node_modules" -depth -type d -empty -delete
install -m 0644 "$addon" "$lib/native/build/Release/"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$lib/native/build/Release/netspot_pcap.node"
# fastify (the server, loaded only by netspot serve) and dbus-next (bro-spotd's D-Bus control; it
# requires the optional x11 package esbuild cannot resolve) stay in node_modules: the bundles keep
# every path relative to the package root as dist/src/<dir>/ has it.
npx esbuild dist/src/cli/netspot.js dist/src/cli/netspotctl.js --bundle --splitting --format=esm --platform=node \
  --target=node20 --outdir="$lib/dist/src/cli" --external:fastify --external:'@fastify/*' --external:@particle/dbus-next --log-level=warning \
  --chunk-names='chunk-[hash]' --banner:js="import { createRequire as __netspotRequire } from 'node:module'; const require = __netspotRequire(import.meta.url);"
# The counting workers of --workers N (files: count-worker, interfaces: live-count-worker) are scripts
# of their own (worker_threads), found from the bundles at dist/src/pipeline/ as in the unbundled tree.
npx esbuild dist/src/pipeline/count-worker.js dist/src/pipeline/live-count-worker.js --bundle --format=esm --platform=node --target=node20 \
  --outdir="$lib/dist/src/pipeline" --log-level=warning \
  --banner:js="import { createRequire as __netspotRequire } from 'node:module'; const require = __netspotRequire(import.meta.url);"
# The wrappers start node themselves: the bundles need no #! line (lintian: script-not-executable).
sed -i "1{/^#!/d}" "$lib/dist/src/cli/netspot.js" "$lib/dist/src/cli/netspotctl.js"


# 4. Architecture-independent data in /usr/share/netspot: dashboard files, the demo capture.
mkdir -p "$share"
cp -r web "$share/web"
ln -s ../../share/netspot/web "$lib/web"
install -m 0644 data/demo-syn-flood.pcap.gz "$share/"

# 5. Programs, configuration, units, logrotate, man pages, completions, docs.
install -D -m 0755 packaging/bin/netspot "$root/usr/bin/netspot"
install -D -m 0755 packaging/bin/netspotctl "$root/usr/bin/netspotctl"
mkdir -p "$root/etc/netspot"
node dist/src/cli/netspot.js defaults > "$root/etc/netspot/netspot.toml"
install -D -m 0644 packaging/systemd/netspot.service "$root/lib/systemd/system/netspot.service"
install -D -m 0644 packaging/systemd/netspot@.service "$root/lib/systemd/system/netspot@.service"
install -D -m 0644 packaging/logrotate "$root/etc/logrotate.d/netspot"
# The Zeek front end's user daemon (bro-spotd's names): systemd user unit, D-Bus activation, its config.
install -D -m 0644 packaging/systemd/dbus-bro.spot.service "$root/usr/lib/systemd/user/dbus-bro.spot.service"
install -D -m 0644 packaging/dbus/bro.spot.service "$root/usr/share/dbus-1/services/bro.spot.service"
install -D -m 0644 packaging/zeek.toml "$root/etc/netspot/zeek.toml"
node dist/scripts/gen-cli-docs.js "$work/gen"
install -D -m 0644 "$work/gen/man/netspot.1" "$root/usr/share/man/man1/netspot.1"
install -D -m 0644 "$work/gen/man/netspotctl.1" "$root/usr/share/man/man1/netspotctl.1"
install -D -m 0644 "$work/gen/man/netspot.toml.5" "$root/usr/share/man/man5/netspot.toml.5"
gzip -9n "$root"/usr/share/man/man*/*
install -D -m 0644 "$work/gen/completions/bash/netspot" "$root/usr/share/bash-completion/completions/netspot"
install -D -m 0644 "$work/gen/completions/bash/netspotctl" "$root/usr/share/bash-completion/completions/netspotctl"
install -D -m 0644 "$work/gen/completions/zsh/_netspot" "$root/usr/share/zsh/vendor-completions/_netspot"
install -D -m 0644 "$work/gen/completions/zsh/_netspotctl" "$root/usr/share/zsh/vendor-completions/_netspotctl"
install -m 0644 README.md "$doc/"
# The maintainer: DEBFULLNAME and DEBEMAIL as for dch, else the author of the last commit.
maintainer="${DEBFULLNAME:-$(git -C "$repo" log -1 --format=%an)} <${DEBEMAIL:-$(git -C "$repo" log -1 --format=%ae)}>"
sed -e "s/@MAINTAINER@/$maintainer/" -e "s/@DATE@/$(date -R -u -d "@$SOURCE_DATE_EPOCH")/" packaging/debian/changelog | gzip -9n > "$doc/changelog.gz"
install -D -m 0644 packaging/lintian-overrides "$root/usr/share/lintian/overrides/netspot"

# 6. Control data: maintainer scripts, conffiles, dependencies found from the binding's libraries.
mkdir -p "$root/DEBIAN" "$work/shlibs/debian"
install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$root/DEBIAN/"
(cd "$root" && find etc -type f | sed 's|^|/|' | sort) > "$root/DEBIAN/conffiles"
printf 'Source: netspot\n\nPackage: netspot\nArchitecture: any\n' > "$work/shlibs/debian/control"
# (--warnings=0: the napi_* symbols the binding uses come from node itself, as for any plugin.)
shlibs="$(cd "$work/shlibs" && dpkg-shlibdeps --warnings=0 -O "$lib/native/build/Release/netspot_pcap.node" | sed -n 's/^shlibs:Depends=//p')"
# Files: 0644, directories and programs 0755, owned by root (dpkg-deb --root-owner-group).
find "$root" -path "$root/DEBIAN" -prune -o -type d -exec chmod 0755 {} + -o -type f -exec chmod 0644 {} +
chmod 0755 "$root/usr/bin/netspot" "$root/usr/bin/netspotctl"
# The command-line tools of dependencies (#! scripts) keep their executable bit, as npm gives it.
find "$lib/node_modules" -type f -exec sh -c 'for f; do [ "$(head -c2 "$f")" = "#!" ] && chmod 0755 "$f"; done; true' sh {} +
find "$root" -path "$root/DEBIAN" -prune -o -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
size="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@MAINTAINER@/$maintainer/" -e "s/@INSTALLED_SIZE@/$size/" -e "s/@SHLIBS@/$shlibs/" \
  packaging/debian/control > "$root/DEBIAN/control"
# md5sums lists every file but the conffiles (dpkg keeps their sums itself).
(cd "$root" && find . \( -path ./DEBIAN -o -path ./etc \) -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"

deb="$out/netspot_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb"
echo "build-deb: $deb ($(du -k "$deb" | cut -f1) KiB, installed $size KiB)"
