from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "binhyen.groups"
    label = "groups"
    verbose_name = "Mô hình tự quản"

    def ready(self):
        from binhyen.org.signals import unit_moved

        from . import cube, figures

        # the stock cube follows a moved subtree in the move's own transaction
        unit_moved.connect(cube.on_unit_moved, dispatch_uid="groups-cube-unit-moved")
        figures.register()
