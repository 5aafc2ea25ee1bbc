from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "binhyen.activities"
    label = "activities"
    verbose_name = "Hoạt động tuyên truyền"

    def ready(self):
        from binhyen.org.signals import unit_kind_changed, unit_moved

        from . import cube, figures

        # the activity cube follows the tree in the restructure's own transaction
        unit_moved.connect(cube.on_unit_moved, dispatch_uid="activities-cube-unit-moved")
        unit_kind_changed.connect(
            cube.on_unit_kind_changed, dispatch_uid="activities-cube-kind-changed"
        )
        figures.register()
