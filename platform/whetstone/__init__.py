"""The Django project: settings, URLs, and the pieces every app shares."""
