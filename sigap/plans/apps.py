from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "sigap.plans"
    label = "plans"
    verbose_name = "Rencana kasus dan layanan"

    def ready(self) -> None:
        from sigap.cases import gates, sections

        from . import services, views

        gates.register(services.PLAN_GATE, services.plan_problem)
        gates.approval_decided.connect(services.on_approval_decided, dispatch_uid="plans.on_approval_decided")
        sections.register(sections.Section("plan", 30, "plans/_section.html", views.case_section))
