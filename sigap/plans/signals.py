"""Signals of the plans app, for other apps to follow a service without reaching into it."""

from django.dispatch import Signal

# Sent inside the transaction that changed a service's status, with ``service`` (a CaseService),
# ``actor`` and ``previous`` (the old status). The referrals app marks a referral done when the
# service it asked for is completed.
service_status_changed = Signal()
