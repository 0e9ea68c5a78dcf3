from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "sigap.assessments"
    label = "assessments"
    verbose_name = "Asesmen dan identifikasi"

    def ready(self) -> None:
        from sigap.cases import gates, sections

        from . import services, views

        gates.register("request:assessment", services.assessment_ready)
        gates.register("enter:case_plan", services.identification_exists)
        gates.register("service:family_return", services.family_return_allowed)
        gates.approval_decided.connect(services.on_approval_decided, dispatch_uid="assessments.approval_decided")
        sections.register(sections.Section("assessment", 20, "assessments/_section.html", views.section_context))
