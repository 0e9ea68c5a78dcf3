from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "sigap.referrals"
    label = "referrals"
    verbose_name = "Rujukan dan persetujuan"

    def ready(self) -> None:
        from sigap.cases import gates, sections
        from sigap.plans.signals import service_status_changed

        from . import services, views

        sections.register(sections.Section("referrals", 40, "referrals/_section.html", views.case_section))
        service_status_changed.connect(
            services.on_service_status_changed, dispatch_uid="referrals.on_service_status_changed"
        )
        gates.approval_decided.connect(services.on_approval_decided, dispatch_uid="referrals.on_approval_decided")
