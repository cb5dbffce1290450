"""Accounts use Django's own User and Group models; roles are defined in ``roles.py``."""
