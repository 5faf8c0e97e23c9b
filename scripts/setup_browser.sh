#!/usr/bin/env bash
# The browser test's browser: Debian's chromium, which Playwright drives through
# executable_path (Playwright's own browser download is never used), and a CJK font so
# the screenshots show Chinese.  Installed with apt-get when missing and we are root
# with apt; otherwise this says why and stops: the browser test then skips, saying why.
set -u
packages=""
[ -x /usr/bin/chromium ] || packages="chromium"
if ! (command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh | grep -q .); then
    packages="$packages fonts-wqy-microhei"  # our choice: a small CJK font from Debian
fi
[ -z "$packages" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup_browser: no apt-get here; cannot install$packages (the browser test skips without chromium)" >&2
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    echo "setup_browser: not root; cannot apt-get install$packages (the browser test skips without chromium)" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
echo "setup_browser: apt-get install$packages" >&2
if ! { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends $packages >/dev/null; }; then
    echo "setup_browser: apt-get install$packages failed (the browser test skips without chromium)" >&2
fi
exit 0
