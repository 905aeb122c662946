"""Badges per second in one process, against the naive way, on the same signed codes.

    .venv/bin/python bench/badges.py [--badges 2000]
    DATABASE_URL=… .venv/bin/python bench/badges.py --expo SLUG [--ticket-type SLUG]

The naive way makes a PNG of each QR code with ``qrcode.make`` (which tries all eight
mask patterns) and places it with ``drawImage``; ``ticketing.badges`` draws the matrix
of one fixed mask as one vector path. Both lay out the same A4 sheets of four badges,
and both sign each ticket's code as they go, as a real print run does. Also measured:
QR encoding with each fixed mask against the library's choice, and the memory a run
takes while streaming against keeping the whole document as ReportLab's ``save()``
does. Needs no database: the tickets are unsaved objects in memory.

With ``--expo``, a print run from the database instead, as ``manage.py print_badges``
and ``GET /api/v1/expos/{slug}/badges.pdf`` make it, over the expo's valid tickets (of
one type): the process's resident memory (RSS) after 1 000, 10 000, 100 000 … badges,
which must stay flat, beside what merely holding the same tickets as a list (a
queryset's result cache) costs, measured in the same run.
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
BUDGET_RSS_GROWTH = 32  # MiB more resident memory from 10 000 badges to the last


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
    kinds = ["season", "day", "exhibitor", "speaker", "press"]
    types = [
        TicketType(pk=n, expo=expo, slug=kind, name=kind.title(), kind=kind)
        for n, kind in enumerate(kinds, 1)
    ]
    order = Order(pk=1, expo=expo, email="bench@example.org")
    names = ["Åsa Öberg-Næss", "Łukasz Żółć", "Slavoj Žižek", "Maria-Kristiina Väänänen"]
    return [
        Ticket(
            pk=2_000_000 + n,
            expo=expo,
            order=order,
            ticket_type=types[n % len(types)],
            day=dt.date(2026, 6, 1 + n % 30) if n % len(types) == 1 else None,
            holder_name=f"{names[n % len(names)]} {n}",
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
            left + (badges.BADGE_WIDTH - badges.QR_SIZE) / 2,
            bottom + badges.QR_BOTTOM,
            badges.QR_SIZE,
            badges.QR_SIZE,
        )
        if index % 4 == 3:
            canvas.showPage()
    canvas.save()


def whole_document(batch, out):
    """The same badges on a plain ReportLab canvas, which holds every page until
    ``save()``: what ``ticketing.badges`` did before it streamed."""
    from reportlab.pdfgen.canvas import Canvas

    from ticketing import admission, badges

    badges.register_fonts()
    canvas = Canvas(out, pagesize=badges.A4, pageCompression=1)
    slots = [
        (0, badges.BADGE_HEIGHT),
        (badges.BADGE_WIDTH, badges.BADGE_HEIGHT),
        (0, 0),
        (badges.BADGE_WIDTH, 0),
    ]
    open_days = admission.open_days(batch[0].expo)
    for index, ticket in enumerate(batch):
        days = admission.ticket_days(ticket, open_days)
        badges.draw_badge(canvas, ticket, days, *slots[index % 4])
        if index % 4 == 3:
            badges.draw_cut_marks(canvas)
            canvas.showPage()
    canvas.save()


def streamed(layout):
    from ticketing import badges

    def write(batch, out):
        for chunk in badges.iter_badge_pdf(iter(batch), layout):
            out.write(chunk)

    return write


class Counter:
    """A file that only counts what is written to it."""

    size = 0

    def write(self, data):
        self.size += len(data)


def timed(write, batch):
    out = Counter()
    started = time.perf_counter()
    write(batch, out)
    return len(batch) / (time.perf_counter() - started), out.size


def peak_memory(write, batch):
    tracemalloc.start()
    write(batch, Counter())
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def qr_encodes_per_second(codes, **options):
    import qrcode

    started = time.perf_counter()
    for code in codes:
        qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, **options)
        qr.add_data(code, optimize=0)
        qr.make(fit=True)
        qr.get_matrix()
    return len(codes) / (time.perf_counter() - started)


def resident_mib():
    """The process's resident memory now, in MiB (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class Sampler:
    """Resident memory at 1 000, 10 000, 100 000 … badges, and at the end."""

    def __init__(self):
        self.count, self.next_mark, self.samples = 0, 1000, []

    def badge(self, _ticket=None):
        self.count += 1
        if self.count == self.next_mark:
            self.samples.append((self.count, resident_mib()))
            print(f"  {self.count} badges: RSS {self.samples[-1][1]:.0f} MiB", flush=True)
            self.next_mark *= 10

    def end(self):
        if not self.samples or self.samples[-1][0] != self.count:
            self.samples.append((self.count, resident_mib()))

    def report(self, label, seconds):
        print(
            f"{label}: {self.count} badges in {seconds:.0f} s ({self.count / seconds:.0f}/s); RSS "
            + ", ".join(f"{mib:.0f} MiB at {count}" for count, mib in self.samples)
        )
        at_10k = next((mib for count, mib in self.samples if count >= 10_000), None)
        if at_10k is not None:
            growth = self.samples[-1][1] - at_10k
            verdict = "within budget" if growth <= BUDGET_RSS_GROWTH else "OVER BUDGET"
            print(
                f"  growth from 10000 to {self.count}: {growth:+.1f} MiB   "
                f"budget: <= {BUDGET_RSS_GROWTH} MiB   {verdict}"
            )


def from_database(expo_slug, ticket_type_slug, ways):
    """Print runs over the database's tickets: the command's way and the API's."""
    from django.contrib.auth import get_user_model
    from django_scopes import scopes_disabled

    from events.models import Expo
    from ticketing.models import TicketType

    with scopes_disabled():
        expo = Expo.objects.get(slug=expo_slug)
        ticket_type = ticket_type_slug and TicketType.objects.get(expo=expo, slug=ticket_type_slug)
        organiser = (
            expo.organisers.first() or get_user_model().objects.filter(is_superuser=True).first()
        )
    print(f"RSS at start: {resident_mib():.0f} MiB")

    if "command" in ways:
        print_run(expo, ticket_type)
    if "api" in ways:
        api_run(expo, ticket_type_slug, organiser)
    baseline(expo, ticket_type)


def print_run(expo, ticket_type):
    """As manage.py print_badges writes them (its progress bar aside)."""
    from django_scopes import scope

    from ticketing import badges, selectors

    sampler = Sampler()
    started = time.perf_counter()
    with scope(expo=expo.pk):
        tickets = selectors.expo_tickets(expo, ticket_type=ticket_type or None, status="valid")
        badges.write_badges(
            tickets.iterator(chunk_size=500),
            Counter(),
            on_badge=sampler.badge,
            in_holders_language=True,
        )
    sampler.end()
    sampler.report("print_badges' way (iterator, streamed)", time.perf_counter() - started)


def api_run(expo, ticket_type_slug, organiser):
    """As the API serves them, read chunk by chunk as a client would."""
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.force_login(organiser)
    query = f"?ticket_type={ticket_type_slug}" if ticket_type_slug else ""
    sampler = Sampler()
    started = time.perf_counter()
    response = client.get(f"/api/v1/expos/{expo.slug}/badges.pdf{query}")
    size, marks = 0, iter([100_000, 1_000_000, 10_000_000])
    mark = next(marks)
    for chunk in response.streaming_content:
        size += len(chunk)
        if size >= mark:
            sampler.samples.append((f"{size / 2**20:.0f} MiB of PDF", resident_mib()))
            print(f"  {sampler.samples[-1][0]}: RSS {sampler.samples[-1][1]:.0f} MiB", flush=True)
            mark = next(marks, float("inf"))
    sampler.samples.append((f"{size / 2**20:.0f} MiB of PDF (the end)", resident_mib()))
    seconds = time.perf_counter() - started
    print(
        f"GET badges.pdf: {size / 2**20:.0f} MiB in {seconds:.0f} s; RSS "
        + ", ".join(f"{mib:.0f} MiB at {at}" for at, mib in sampler.samples)
    )


def baseline(expo, ticket_type):
    """The same tickets held at once, as iterating the queryset itself would."""
    from django_scopes import scope

    from ticketing import selectors

    before = resident_mib()
    with scope(expo=expo.pk):
        held = list(selectors.expo_tickets(expo, ticket_type=ticket_type or None, status="valid"))
    print(
        f"baseline, the same {len(held)} tickets held as a list (a result cache): "
        f"{resident_mib() - before:+.0f} MiB resident"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--badges", type=int, default=2000)
    parser.add_argument("--expo", help="Print from the database: this expo's valid tickets.")
    parser.add_argument("--ticket-type", help="With --expo: only this ticket type.")
    parser.add_argument(
        "--way",
        choices=["command", "api"],
        action="append",
        help="With --expo: only print_badges' way or only the API's (default both).",
    )
    args = parser.parse_args()

    import django

    django.setup()
    if args.expo:
        from_database(args.expo, args.ticket_type, args.way or ["command", "api"])
        return
    from ticketing import badges

    batch = tickets(args.badges)
    codes = [ticket.code for ticket in batch[:300]]  # signs once, loading the key
    print(
        f"{args.badges} badges, codes of {min(map(len, codes))}–{max(map(len, codes))} "
        f"characters, QR version {(len(badges.qr_matrix(codes[0])) - 17) // 4}"
    )

    auto = qr_encodes_per_second(codes)
    fixed = {mask: qr_encodes_per_second(codes, mask_pattern=mask) for mask in range(8)}
    print(
        f"QR encodes/s: library chooses the mask {auto:.0f}; fixed mask "
        + ", ".join(f"{mask}: {rate:.0f}" for mask, rate in fixed.items())
        + f" (badges use mask {badges.QR_MASK}: {fixed[badges.QR_MASK] / auto:.1f}x)"
    )

    rates = {}
    for layout in ("a4x4", "a6"):
        rate, size = timed(streamed(layout), batch)
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

    for label, write in [
        ("streamed (iter_badge_pdf)", streamed("a4x4")),
        ("whole document (canvas.save)", whole_document),
    ]:
        peaks = [peak_memory(write, batch[:count]) for count in (len(batch) // 10, len(batch))]
        growth = (peaks[1] - peaks[0]) / (len(batch) - len(batch) // 10)
        print(
            f"memory, {label}, a4x4: peak {peaks[0] / 2**20:.1f} MiB for {len(batch) // 10} "
            f"badges, {peaks[1] / 2**20:.1f} MiB for {len(batch)} ({growth / 1024:.2f} KiB "
            "more a badge)"
        )

    ratio = rates["a4x4"] / naive_rate
    slowest = min(rates.values())
    within = slowest >= BUDGET_RATE and ratio >= BUDGET_RATIO
    print(f"badges/s (slower layout): {slowest:.0f}   budget: >= {BUDGET_RATE}")
    print(
        f"against the naive way (a4x4): {ratio:.1f}x   budget: >= {BUDGET_RATIO}x   "
        f"{'within budget' if within else 'OVER BUDGET'}"
    )


if __name__ == "__main__":
    main()
