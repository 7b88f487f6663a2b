"""Labels of reminder kinds for the inbox filter. Each app adds the labels of its own kinds
to the registry in its `AppConfig.ready()`."""

from kam.registry import registry


def kind_label(kind: str) -> str:
    return registry.notification_label(kind)
