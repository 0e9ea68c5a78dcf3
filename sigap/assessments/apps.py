from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "sigap.assessments"
    label = "assessments"
    verbose_name = "Asesmen dan identifikasi"
