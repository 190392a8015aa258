"""Routes of the compliance grid and attendance rates (filled in by compliance_views)."""

urlpatterns = []
