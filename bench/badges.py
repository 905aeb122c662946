"""Badges per second in one process, against the naive way, on the same signed codes.

    .venv/bin/python bench/badges.py [--badges 2000]

The naive way makes a PNG of each QR code with ``qrcode.make`` (which tries all eight
mask patterns) and places it with ``drawImage``; ``ticketing.badges`` draws the matrix
of one fixed mask as one vector path. Both lay out the same A4 sheets of four badges.
Needs no database: the tickets are unsaved objects in memory.
"""

import argparse
import datetime as dt
import io
import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expo.settings")

BUDGET_RATE = 400  # badges per second, one process
BUDGET_RATIO = 5  # times the naive way


def tickets(count):
    from events.models import Expo, OpeningDay
    from ticketing.models import Order, Ticket, TicketType

    expo = Expo(
        pk=7,
        slug="bench",
        name="Öresund City Expo",
        start_date=dt.date(2026, 6, 1),
        end_date=dt.date(2026, 7, 5),
        time_zone="Europe/Stockholm",
    )
    # No database: the expo has its usual hours every day, as if prefetched.
    expo._prefetched_objects_cache = {"opening_days": OpeningDay.objects.none()}
    season = TicketType(pk=1, expo=expo, slug="season", name="Season ticket", kind="season")
    order = Order(pk=1, expo=expo, email="bench@example.org")
    return [
        Ticket(
            pk=2_000_000 + n,
            expo=expo,
            order=order,
            ticket_type=season,
            holder_name=f"Åsa Öberg-Næss {n}",
            organisation="Jyväskylän kaupunki",
        )
        for n in range(count)
    ]


def naive(batch, out):
    """The obvious way: a PNG per QR code, placed as an image."""
    import qrcode
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    from ticketing import badges

    canvas = Canvas(out, pagesize=A4)
    slots = [
        (0, badges.BADGE_HEIGHT),
        (badges.BADGE_WIDTH, badges.BADGE_HEIGHT),
        (0, 0),
        (badges.BADGE_WIDTH, 0),
    ]
    for index, ticket in enumerate(batch):
        left, bottom = slots[index % 4]
        png = io.BytesIO()
        qrcode.make(ticket.code).save(png)
        png.seek(0)
        canvas.setFont("Helvetica-Bold", 22)
        canvas.drawString(left + badges.MARGIN, bottom + 100 * badges.mm, ticket.holder_name)
        canvas.drawImage(
            ImageReader(png),
            left + 24 * badges.mm,
            bottom + 6 * badges.mm,
            badges.QR_SIZE,
            badges.QR_SIZE,
        )
        if index % 4 == 3:
            canvas.showPage()
    canvas.save()


def timed(write, batch):
    out = io.BytesIO()
    started = time.perf_counter()
    write(batch, out)
    return len(batch) / (time.perf_counter() - started), len(out.getvalue())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--badges", type=int, default=2000)
    args = parser.parse_args()

    import django

    django.setup()
    from ticketing import badges

    batch = tickets(args.badges)
    for ticket in batch[:1]:
        ticket.code  # noqa: B018  (signs once, loading the key, outside the timing)
    rates = {}
    for layout in ("a4x4", "a6"):
        rate, size = timed(
            lambda b, out, layout=layout: badges.write_badges(b, out, layout=layout), batch
        )
        rates[layout] = rate
        print(
            f"ticketing.badges, {layout}: {rate:.0f} badges/s, "
            f"{size / len(batch) / 1024:.1f} KiB a badge"
        )
    naive_batch = batch[: max(100, args.badges // 10)]
    naive_rate, naive_size = timed(naive, naive_batch)
    print(
        f"naive (qrcode.make → PNG → drawImage), a4x4: {naive_rate:.0f} badges/s, "
        f"{naive_size / len(naive_batch) / 1024:.1f} KiB a badge ({len(naive_batch)} badges)"
    )

    tracemalloc.start()
    badges.write_badges(batch, io.BytesIO(), layout="a4x4")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"memory while writing {len(batch)} badges: peak {peak / 2**20:.0f} MiB "
        f"({peak / len(batch) / 1024:.0f} KiB a badge)"
    )

    ratio = rates["a4x4"] / naive_rate
    within = rates["a4x4"] >= BUDGET_RATE and ratio >= BUDGET_RATIO
    print(f"badges/s (a4x4): {rates['a4x4']:.0f}   budget: >= {BUDGET_RATE}")
    print(
        f"against the naive way: {ratio:.1f}x   budget: >= {BUDGET_RATIO}x   "
        f"{'within budget' if within else 'OVER BUDGET'}"
    )


if __name__ == "__main__":
    main()
