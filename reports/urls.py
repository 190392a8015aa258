"""Routes of the printable documents and ledgers."""

app_name = "reports"

urlpatterns = []
