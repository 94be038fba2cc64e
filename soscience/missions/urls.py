from soscience.missions import urls_manage, urls_public

app_name = "missions"
# Public catalogue pages and the team's working pages share the "missions" namespace.
urlpatterns = urls_public.urlpatterns + urls_manage.urlpatterns
