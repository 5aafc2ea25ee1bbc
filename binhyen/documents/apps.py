from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "binhyen.documents"
    label = "documents"
    verbose_name = "Văn bản, kế hoạch"
