from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "sigap.referrals"
    label = "referrals"
    verbose_name = "Rujukan dan persetujuan"
