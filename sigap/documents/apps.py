from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "sigap.documents"
    label = "documents"
    verbose_name = "Dokumen kasus"
