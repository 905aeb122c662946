"""Real-browser tests: Debian's Chromium driven by Playwright (never a downloaded browser).

`make test` installs the `chromium` package when it is missing and it can; without it
these tests are skipped with the reason."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


# Module scope: Playwright's event loop must be gone before any async test runs.
@pytest.fixture(scope="module")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        pytest.skip("Debian's chromium package is not installed")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, which makes
    # Django refuse database calls from the test's own code. Nothing else runs on
    # that loop, so the calls are as safe as in any other test.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def csp_violations(page):
    """Collects what the page's Content-Security-Policy refused, as Chromium reports it
    on the console."""
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused


@pytest.fixture
def page(browser):
    """A phone-sized page; the test fails if the site's CSP refused anything on it.

    Give ``wait_for_function`` a function (``"() => …"``): Playwright polls a bare
    expression with ``eval``, which the policy refuses."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page = context.new_page()
    refused = csp_violations(page)
    yield page
    context.close()
    assert not refused, "\n".join(refused)


# ---- The site of the width and accessibility sweeps (tests/e2e/pages.py) ----
@pytest.fixture
def site(future_expo, future_season):
    from tests.e2e.pages import build_site

    return build_site(future_expo, future_season)
