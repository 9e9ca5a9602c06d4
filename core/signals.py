"""Signals of our own.

`bulk_written`: sent after records were written in bulk (bulk_create / bulk_update), which
Django sends no post_save for, so that derived data (the national figures' tallies) can
follow. Arguments: sender (the model) and `fields`, the names of the fields written.
"""

from django.dispatch import Signal

bulk_written = Signal()
