"""Who takes part in the review of an expo's proposals: its organisers (who also accept
and reject) and the reviewers its call names (who score and comment only). A reviewer
needs an account, not an organiser's rights."""

from events.permissions import is_organiser

from .models import Call


def may_decide(user, expo):
    """Accepting and rejecting is the organisers'."""
    return is_organiser(user, expo)


def may_review(user, expo):
    """Scoring and reading the reviews: the expo's organisers and its call's reviewers."""
    if not user or not user.is_authenticated:
        return False
    return is_organiser(user, expo) or Call.objects.filter(expo=expo, reviewers=user).exists()


def sees_all_scores(user, call):
    """Whether ``user`` sees every review of a proposal before reviewing it: organisers
    do (they decide), and everyone does when the call does not hide them."""
    return not call.scores_hidden_until_reviewed or may_decide(user, call.expo)
