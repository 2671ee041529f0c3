#!/usr/bin/env python3
"""Load bench for `ocrdesk serve`: N requests from C concurrent clients on loopback.

Starts the release binary as a server (2 workers unless told), sends general-text
requests for the images given (cycled) from C client threads, each on its own
keep-alive connection, and prints: errors, latency p50/p95/max, throughput, the
same images read by `ocrdesk ocr` as one batch (images per second, the CLI's own
pace with the same threads), the server's resident memory when ready, after warm-up and after
the run, and its /metrics page. Standard library only; asserts nothing.

    python3 benches/serve_load.py [--requests 1000] [--clients 16] [--workers 2] [--low-memory] [IMAGE|FOLDER ...]
"""

import argparse
import base64
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BINARY = REPO / "target" / "release" / "ocrdesk"
# Street scenes and web images: the cloud's general-text and web-image traffic, and
# small enough that a thousand requests take minutes, not an hour, on 2 cores.
DEFAULT_INPUTS = ["../shared/eval/scene"]
IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"}


def images_in(arguments):
    found = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() in IMAGE_EXTENSIONS)
        elif path.suffix.lower() in IMAGE_EXTENSIONS:
            found.append(path)
    return found


def rss_kib(pid, field="VmRSS"):
    """A memory figure of a process from /proc, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def start_server(workers, low_memory):
    env = dict(os.environ, ORT_DISABLE_TELEMETRY="1")
    server = subprocess.Popen(
        [str(BINARY), "serve", "--listen", "127.0.0.1:0", "--workers", str(workers), "--queue", "256"]
        + (["--low-memory"] if low_memory else []),
        stderr=subprocess.PIPE, text=True, env=env)
    address = None
    for line in server.stderr:
        if "listening on http://" in line:
            address = line.split("listening on http://")[1].split()[0]
            break
    if address is None:
        raise SystemExit("the server did not start")
    # The access log is read (and dropped) so that the server never blocks on it.
    threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()
    host, port = address.rsplit(":", 1)
    while True:
        try:
            connection = http.client.HTTPConnection(host, int(port), timeout=5)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                break
        except OSError:
            pass
        time.sleep(0.1)
    return server, host, int(port)


def run_clients(host, port, bodies, requests, clients):
    """Sends `requests` requests from `clients` threads; (latencies, errors, seconds)."""
    next_index = iter(range(requests))
    lock = threading.Lock()
    latencies, errors = [], []

    def client():
        connection = http.client.HTTPConnection(host, port, timeout=600)
        while True:
            with lock:
                i = next(next_index, None)
            if i is None:
                return
            body = bodies[i % len(bodies)]
            started = time.perf_counter()
            try:
                connection.request("POST", "/v2/bench/ocr/general-text", body=body,
                                   headers={"Content-Type": "application/json"})
                response = connection.getresponse()
                answer = response.read()
                ok = response.status == 200 and b'"words_block_list"' in answer
            except (OSError, http.client.HTTPException) as error:
                ok, answer = False, str(error).encode()
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=600)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors.append(answer[:200])

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, time.perf_counter() - started


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def cli_pace(images, threads):
    """Images per second of `ocrdesk ocr` reading all the images as one batch."""
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        done = subprocess.run([str(BINARY), "ocr", "--quiet", "--threads", str(threads), "--extract", "none",
                               "--out", out, *map(str, images)],
                              env=dict(os.environ, ORT_DISABLE_TELEMETRY="1"), capture_output=True, text=True)
        seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"ocrdesk ocr failed: {done.stderr}")
    return len(images) / seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--low-memory", action="store_true", help="run the server with --low-memory")
    parser.add_argument("inputs", nargs="*", default=DEFAULT_INPUTS)
    args = parser.parse_args()
    images = images_in(args.inputs)
    if not images:
        raise SystemExit("no images found")
    bodies = [json.dumps({"image": base64.b64encode(p.read_bytes()).decode()}).encode() for p in images]

    server, host, port = start_server(args.workers, args.low_memory)
    at_ready = rss_kib(server.pid)
    try:
        # Warm-up: every image once, so that memory is measured at its working size.
        run_clients(host, port, bodies, len(bodies), args.clients)
        before = rss_kib(server.pid)
        # The run in four parts, memory read after each: a leak keeps growing, a
        # working set settles.
        latencies, errors, seconds, memory = [], [], 0.0, []
        for part in range(4):
            count = args.requests // 4 + (1 if part < args.requests % 4 else 0)
            part_latencies, part_errors, part_seconds = run_clients(host, port, bodies, count, args.clients)
            latencies += part_latencies
            errors += part_errors
            seconds += part_seconds
            memory.append(rss_kib(server.pid))
        after, peak = memory[-1], rss_kib(server.pid, "VmHWM")
        connection = http.client.HTTPConnection(host, port, timeout=10)
        connection.request("GET", "/metrics")
        metrics = connection.getresponse().read().decode()
    finally:
        server.terminate()
        server.wait(timeout=300)
    server_pace = args.requests / seconds
    cli = cli_pace(images, args.workers)

    print(f"ocrdesk serve: {args.requests} general-text requests, {args.clients} concurrent clients on loopback, "
          f"{args.workers} workers{' (--low-memory)' if args.low_memory else ''}; {len(images)} images cycled ({', '.join(sorted(set(args.inputs)))})")
    print()
    print("| figure | value |")
    print("|---|---|")
    print(f"| errors | {len(errors)} of {args.requests} |")
    print(f"| latency p50 / p95 / max | {percentile(latencies, 0.5):.2f} s / {percentile(latencies, 0.95):.2f} s / "
          f"{max(latencies):.2f} s |")
    print(f"| throughput, server | {server_pace:.2f} images/s ({seconds:.0f} s) |")
    print(f"| throughput, `ocrdesk ocr` batch, same images | {cli:.2f} images/s |")
    print(f"| server ÷ CLI | {server_pace / cli:.2f}× |")
    print(f"| resident memory when /health first said ready | {at_ready / 1024:.0f} MiB |")
    print(f"| resident memory after warm-up → after the run | {before / 1024:.0f} MiB → {after / 1024:.0f} MiB "
          f"({(after - before) / before * 100:+.1f}%), peak {peak / 1024:.0f} MiB |")
    print(f"| resident memory after each quarter of the run | "
          f"{' → '.join(f'{m / 1024:.0f}' for m in memory)} MiB |")
    for error in errors[:5]:
        print(f"error: {error!r}", file=sys.stderr)
    print()
    print("/metrics after the run (request counters, queue, latency buckets of general-text):")
    print()
    for line in metrics.splitlines():
        if line.startswith(("ocrdesk_requests_total", "ocrdesk_queue_depth", "ocrdesk_in_flight",
                            "ocrdesk_request_duration_seconds_bucket{le=\"1.0\"",
                            "ocrdesk_request_duration_seconds_bucket{le=\"4.0\"",
                            "ocrdesk_request_duration_seconds_bucket{le=\"+Inf\"",
                            "ocrdesk_request_duration_seconds_sum", "ocrdesk_request_duration_seconds_count")):
            print("    " + line)


if __name__ == "__main__":
    main()
