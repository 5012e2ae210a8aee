"""Time and memory to re-make a phone photo, an iPhone HEIC and a minute of voice, and to
refuse a decompression bomb (a PNG claiming 100 megapixels) from its header alone.

Each case runs in its own forked process so its memory high-water mark is its own.
Figures: median and fastest wall time over RUNS runs; the Python heap peak (tracemalloc,
which sees bytes objects but not Pillow's or libheif's own pixel buffers); and how far
the process's resident set rose above where it started (ru_maxrss), which does count them.
Run: .venv/bin/python bench/upload_pipeline.py
"""
from __future__ import annotations

import multiprocessing
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal.media.pipeline import UploadRefused, process_audio, process_image  # noqa: E402
from tests.media import builders  # noqa: E402

RUNS = 5
MB = 1024 * 1024


def phone_jpeg() -> bytes:
    """12 MP (4000x3000) with EXIF and GPS, grainy enough to weigh what a phone's does."""
    return builders.jpeg(builders.photo((4000, 3000)), exif=builders.phone_exif(), quality=88)


def iphone_heic() -> bytes:
    image = builders.photo((4032, 3024), grain=8)
    return builders.heic(image, exif=builders.phone_exif().tobytes(),
                         enc_params={"preset": "ultrafast"})


def minute_of_voice() -> bytes:
    return builders.wav(60, rate=48000, width=2)


def refuse_image(data: bytes) -> None:
    """process_image, for a file that must be refused."""
    try:
        process_image(data)
    except UploadRefused:
        return None
    raise RuntimeError("the picture was accepted")


def _measure(work: Callable[[bytes], object], data: bytes, queue) -> None:
    start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        result = work(data)
        times.append(time.perf_counter() - started)
    rss_rise = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start_rss
    tracemalloc.start()
    work(data)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    out = getattr(result, "data", b"")
    queue.put((statistics.median(times), min(times), peak, rss_rise * 1024, len(out)))


def measure(work: Callable[[bytes], object], data: bytes) -> tuple:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_measure, args=(work, data, queue))
    process.start()
    figures = queue.get()
    process.join()
    return figures


def main() -> None:
    cases = [
        ("12 MP phone JPEG + EXIF/GPS", phone_jpeg(), process_image),
        ("4032x3024 iPhone HEIC", iphone_heic(), process_image),
        ("60 s WAV, 48 kHz 16-bit", minute_of_voice(), process_audio),
        ("100 MP PNG header (refused)", builders.png_header_only(10_000, 10_000),
         refuse_image),
    ]
    print(f"{RUNS} runs each; tracemalloc sees Python objects only, RSS rise sees everything.")
    print(f"{'case':<30}{'in MB':>7}{'out MB':>8}{'median s':>10}{'min s':>8}"
          f"{'py peak MB':>12}{'RSS rise MB':>13}")
    for name, data, work in cases:
        median, fastest, peak, rss_rise, out = measure(work, data)
        print(f"{name:<30}{len(data) / MB:>7.2f}{out / MB:>8.2f}{median:>10.3f}{fastest:>8.3f}"
              f"{peak / MB:>12.1f}{rss_rise / MB:>13.1f}")


if __name__ == "__main__":
    main()
