#!/usr/bin/env python3
"""A GitHub release host on 127.0.0.1 for tests/release_e2e.sh.

    release_server.py ROOT PORT_FILE LOG_FILE [FILES]

ROOT holds one directory per release tag of haul-cli/haul (`ROOT/v0.1.0/haul-installer.sh`, ...),
exactly the files `dist build` wrote. The server answers what haul, cargo-dist's installer and
haul's GitHub Action (scripts/action.sh) ask GitHub for, shaped like GitHub's answers:

    GET /repos/haul-cli/haul                              the repository
    GET /repos/haul-cli/haul/releases?per_page=N&page=P   releases, newest first, with a Link header
    GET /repos/haul-cli/haul/releases/latest              the newest release
    GET /repos/haul-cli/haul/releases/tags/TAG            one release
    GET /repos/haul-cli/haul/releases/assets/ID           302 to the asset's download, as GitHub does
    GET /haul-cli/haul/releases/download/TAG/NAME         the file (the installer's and the
                                                          `browser_download_url`s)
    GET /haul-cli/haul/releases/latest/download/NAME      302 to the newest release's file
    GET /ANY/OTHER/PATH                                   FILES/ANY/OTHER/PATH, when FILES is
                                                          given and holds that file (downloads of
                                                          other tools, laid out as on github.com)

Files are read from disk on every request, so a test can change one between requests; each asset's
`digest` is the SHA-256 of the file as it is now. It binds an ephemeral port on 127.0.0.1 only,
writes the port to PORT_FILE once it listens, and appends every request path to LOG_FILE.
"""

import hashlib
import json
import os
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

OWNER, REPO = "haul-cli", "haul"


def version_key(tag):
    numbers = re.findall(r"\d+", tag)
    return [int(n) for n in numbers]


class Releases:
    def __init__(self, root, base_url):
        self.root = root
        self.base = base_url

    def tags(self):
        """Release tags, newest first."""
        tags = [t for t in os.listdir(self.root) if os.path.isdir(os.path.join(self.root, t))]
        return sorted(tags, key=version_key, reverse=True)

    def assets(self):
        """(id, tag, name) for every file of every release, with stable ids."""
        out = []
        for tag in sorted(self.tags()):
            for name in sorted(os.listdir(os.path.join(self.root, tag))):
                out.append((len(out) + 1, tag, name))
        return out

    def path(self, tag, name):
        return os.path.join(self.root, tag, name)

    def download_url(self, tag, name):
        return f"{self.base}/{OWNER}/{REPO}/releases/download/{tag}/{name}"

    def release_json(self, tag):
        assets = []
        for asset_id, asset_tag, name in self.assets():
            if asset_tag != tag:
                continue
            with open(self.path(tag, name), "rb") as f:
                data = f.read()
            assets.append({
                "url": f"{self.base}/repos/{OWNER}/{REPO}/releases/assets/{asset_id}",
                "id": asset_id,
                "name": name,
                "label": "",
                "content_type": "application/octet-stream",
                "state": "uploaded",
                "size": len(data),
                "digest": "sha256:" + hashlib.sha256(data).hexdigest(),
                "browser_download_url": self.download_url(tag, name),
            })
        return {
            "url": f"{self.base}/repos/{OWNER}/{REPO}/releases/{tag}",
            "html_url": f"https://github.com/{OWNER}/{REPO}/releases/tag/{tag}",
            "tag_name": tag,
            "name": tag,
            "draft": False,
            "prerelease": False,
            "created_at": "2025-06-01T12:00:00Z",
            "published_at": "2025-06-01T12:00:00Z",
            "body": f"haul {tag}",
            "assets": assets,
        }


def make_handler(releases, log_path, files):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def send(self, status, body, content_type="application/json", headers=()):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def send_json(self, value, headers=()):
            self.send(200, json.dumps(value).encode(), headers=headers)

        def not_found(self):
            self.send(404, json.dumps({"message": "Not Found"}).encode())

        def do_HEAD(self):
            self.do_GET()

        def do_GET(self):
            url = urlsplit(self.path)
            path = unquote(url.path)
            with open(log_path, "a") as log:
                log.write(path + "\n")
            api = f"/repos/{OWNER}/{REPO}"
            tags = releases.tags()
            if path == api:
                return self.send_json({"full_name": f"{OWNER}/{REPO}"})
            if path == f"{api}/releases":
                query = parse_qs(url.query)
                per_page = int(query.get("per_page", ["30"])[0])
                page = int(query.get("page", ["1"])[0])
                chunk = tags[(page - 1) * per_page: page * per_page]
                headers = []
                if page * per_page < len(tags):
                    headers.append(("Link", f'<{releases.base}{api}/releases?per_page={per_page}&page={page + 1}>; rel="next"'))
                return self.send_json([releases.release_json(t) for t in chunk], headers)
            if path == f"{api}/releases/latest":
                return self.send_json(releases.release_json(tags[0])) if tags else self.not_found()
            if path.startswith(f"{api}/releases/tags/"):
                tag = path[len(f"{api}/releases/tags/"):]
                return self.send_json(releases.release_json(tag)) if tag in tags else self.not_found()
            if path.startswith(f"{api}/releases/assets/"):
                wanted = path[len(f"{api}/releases/assets/"):]
                for asset_id, tag, name in releases.assets():
                    if str(asset_id) == wanted:
                        return self.send(302, b"", headers=[("Location", releases.download_url(tag, name))])
                return self.not_found()
            latest = f"/{OWNER}/{REPO}/releases/latest/download/"
            if path.startswith(latest):
                name = path[len(latest):]
                if tags and "/" not in name:
                    return self.send(302, b"", headers=[("Location", releases.download_url(tags[0], name))])
                return self.not_found()
            prefix = f"/{OWNER}/{REPO}/releases/download/"
            if path.startswith(prefix):
                tag, _, name = path[len(prefix):].partition("/")
                file = releases.path(tag, name)
                if tag in tags and "/" not in name and os.path.isfile(file):
                    with open(file, "rb") as f:
                        return self.send(200, f.read(), "application/octet-stream")
                return self.not_found()
            parts = path.split("/")[1:]
            if files and parts and all(p not in ("", ".", "..") for p in parts):
                file = os.path.join(files, *parts)
                if os.path.isfile(file):
                    with open(file, "rb") as f:
                        return self.send(200, f.read(), "application/octet-stream")
            return self.not_found()

    return Handler


def main():
    root, port_file, log_file = sys.argv[1:4]
    files = sys.argv[4] if len(sys.argv) > 4 else None
    server = ThreadingHTTPServer(("127.0.0.1", 0), None)
    releases = Releases(root, f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = make_handler(releases, log_file, files)
    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(tmp, port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
