"""Reaching people (issue 19): the inbox, mail, the to-do lists and the reminders.

Importing the package registers its event listener (core.platform.events) and its tasks
(core.platform.queue); the app factory imports it for the site, the commands and the worker.
"""
from core.notify import inbox, mail  # the inbox's listener and the task notify.send_mail register
from core.notify import reminders, todos  # the daily task notify.reminders; the portal's tasks of todos

__all__ = ["inbox", "mail", "reminders", "todos"]
