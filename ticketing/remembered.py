"""The orders a browser has opened: once a visitor opens their "my tickets" page, its
order is remembered in their Django session, so the programme's session pages can offer
its tickets a seat without the private link.

Only the secret is kept, on the server (the session's row); the browser holds the session
cookie and nothing else. The secret is what proves the order, so an order is found again
by it, and one whose secret no longer matches (erased, another expo) is simply gone.
"""

from .models import Order

SESSION_KEY = "ticketing_orders"
#: A shared computer can collect many visitors' orders; the oldest are dropped first.
MOST_ORDERS_PER_EXPO = 10


def remember(request, order):
    """Remember ``order`` in the visitor's session, most recent first."""
    remembered = request.session.get(SESSION_KEY, {})
    key = str(order.expo_id)
    secrets = [order.secret] + [s for s in remembered.get(key, []) if s != order.secret]
    if remembered.get(key) != secrets[:MOST_ORDERS_PER_EXPO]:
        remembered[key] = secrets[:MOST_ORDERS_PER_EXPO]
        request.session[SESSION_KEY] = remembered


def orders(request, expo):
    """The orders of ``expo`` this browser has opened, most recent first."""
    secrets = request.session.get(SESSION_KEY, {}).get(str(expo.pk), [])
    if not secrets:
        return []
    found = {order.secret: order for order in Order.objects.filter(expo=expo, secret__in=secrets)}
    if len(found) < len(secrets):  # forget those that are gone
        _store(request, expo, [secret for secret in secrets if secret in found])
    return [found[secret] for secret in secrets if secret in found]


def forget(request, expo, order=None):
    """Forget ``order``, or every order of ``expo``, in this browser."""
    secrets = request.session.get(SESSION_KEY, {}).get(str(expo.pk), [])
    kept = [s for s in secrets if order is not None and s != order.secret]
    if kept != secrets:
        _store(request, expo, kept)


def _store(request, expo, secrets):
    remembered = request.session.get(SESSION_KEY, {})
    if secrets:
        remembered[str(expo.pk)] = secrets
    else:
        remembered.pop(str(expo.pk), None)
    request.session[SESSION_KEY] = remembered
