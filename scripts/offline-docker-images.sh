#!/usr/bin/env bash
# For a machine that runs Docker but cannot pull from Docker Hub (this project's build machines): builds
# local stand-ins for the two base images the docker-compose files use, so `docker compose up --build`
# can run here. Not needed anywhere Docker Hub is reachable.
#   node:20-slim   -> Debian bookworm (debootstrap minbase) + this machine's node and npm, user node (1000)
#   redis:7-alpine -> the same + Debian's redis-server, started like the official image (no protected mode)
# Needs root, debootstrap (apt-get install debootstrap) and a reachable Debian mirror. The image trusts this
# machine's CA bundle, so npm inside `docker build` works behind the same TLS proxy as the host.
set -euo pipefail
rootfs=$(mktemp -d /tmp/qqbot-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
debootstrap --variant=minbase --include=redis-server,ca-certificates bookworm "$rootfs" http://deb.debian.org/debian
cp "$(command -v node)" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib/node_modules"
cp -a "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$rootfs/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
chroot "$rootfs" groupadd -g 1000 node
chroot "$rootfs" useradd -u 1000 -g node -m -s /bin/bash node
cp /etc/ssl/certs/ca-certificates.crt "$rootfs/usr/local/share/host-ca-bundle.crt"
rm -rf "$rootfs"/var/cache/apt/archives/*.deb
tar -C "$rootfs" -c . | docker import \
  -c 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
  -c 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/host-ca-bundle.crt' \
  - qqbot-local/base:bookworm-node20
docker tag qqbot-local/base:bookworm-node20 node:20-slim

redis_dir=$(mktemp -d /tmp/qqbot-redis.XXXXXX)
cat > "$redis_dir/docker-entrypoint.sh" <<'SH'
#!/bin/sh
# Like the official redis image: without a config file, listen on every interface without protected mode.
if [ "$1" = "redis-server" ]; then shift; exec redis-server "$@" --bind 0.0.0.0 --protected-mode no; fi
exec "$@"
SH
chmod +x "$redis_dir/docker-entrypoint.sh"
printf '%s\n' 'FROM qqbot-local/base:bookworm-node20' 'COPY docker-entrypoint.sh /usr/local/bin/' \
  'ENTRYPOINT ["docker-entrypoint.sh"]' 'CMD ["redis-server"]' > "$redis_dir/Dockerfile"
docker build -q -t redis:7-alpine "$redis_dir"
rm -rf "$redis_dir"
docker run --rm node:20-slim node --version
