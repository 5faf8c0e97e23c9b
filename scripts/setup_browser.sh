#!/usr/bin/env bash
# The browser test's browser: Debian's chromium (Playwright drives it through
# executable_path; Playwright's own browser download is never used).  Installed with
# apt-get when /usr/bin/chromium is missing and we are root with apt; otherwise this
# says why and leaves it: the browser test then skips with that reason.
set -u
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup_browser: no apt-get here; the browser test will be skipped" >&2
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    echo "setup_browser: not root, cannot apt-get install chromium; the browser test will be skipped" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null \
    && apt-get install -y -q --no-install-recommends chromium fonts-wqy-microhei >/dev/null \
    || echo "setup_browser: apt-get install chromium failed; the browser test will be skipped" >&2
exit 0
