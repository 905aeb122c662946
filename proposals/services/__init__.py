"""Every write of the call for proposals, by use case: proposing (the call, proposals,
their speakers and the proposers' accounts) and the review (reviewers, criteria, scores,
accepting and rejecting). Callers import them from here."""

from .proposing import (
    PROPOSAL_FIELDS,
    SPEAKER_FIELDS,
    change_proposal,
    request_proposer_account,
    save_call,
    submit_proposal,
    withdraw_proposal,
)
from .review import (
    accept_proposals,
    decide_proposals,
    reject_proposals,
    review_proposal,
    save_criterion,
    set_reviewers,
)

__all__ = [
    "PROPOSAL_FIELDS",
    "SPEAKER_FIELDS",
    "accept_proposals",
    "change_proposal",
    "decide_proposals",
    "reject_proposals",
    "request_proposer_account",
    "review_proposal",
    "save_call",
    "save_criterion",
    "set_reviewers",
    "submit_proposal",
    "withdraw_proposal",
]
