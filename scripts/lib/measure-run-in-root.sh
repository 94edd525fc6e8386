#!/usr/bin/env bash
# Helper of scripts/measure-setup: runs the main job (scripts/run) inside a prepared Debian
# root, with /proc, /sys and /dev mounted, until it is sent SIGTERM; then unmounts.
#   measure-run-in-root.sh ROOT SRC PORT
set -uo pipefail
root=$1 src=$2 port=$3
mount -t proc proc "$root/proc"; mount --rbind /sys "$root/sys"; mount --rbind /dev "$root/dev"
chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb PORT="$port" \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin bash -c "cd $src && exec scripts/run" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM INT
wait "$child"; wait "$child" 2>/dev/null
umount -R "$root/dev" "$root/sys" "$root/proc" 2>/dev/null || umount -lR "$root/dev" "$root/sys" "$root/proc"
