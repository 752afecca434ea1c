from .dashboard import register_dashboard


def register(router):
    register_dashboard(router)
