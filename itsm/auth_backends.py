"""Django's model backend, loading the signed-in user's person with the user.

Every page shows who is signed in by their person's name, and most services read the
requester's person: one join here saves a query on every request.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class PersonModelBackend(ModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        user = user_model._default_manager.select_related("person").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
